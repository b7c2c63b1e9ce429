/** The 16 gradual-rollout flags every peer comparison uses (bench:peer's servers, bench:sdk's SDKs): 5 %, 11 %, … 95 %. */
export const PEER_FLAGS = Array.from({ length: 16 }, (_, i) => ({ key: `peer.flag${String(i + 1).padStart(2, '0')}`, rollout: 5 + i * 6 }));
