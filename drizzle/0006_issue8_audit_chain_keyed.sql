-- Keyed audit chain (issue 8): each link becomes HMAC-SHA256(key, prev_hash || '\n' || body_hash) with a key
-- derived from the encryption key ring, which the database never keeps. Someone who can edit rows (a
-- database owner) can no longer rewrite an entry, or drop one, and recompute the chain: without the key the
-- links do not verify. The app sends the key's HMAC pads with each INSERT in mac_key (64-byte inner pad key
-- then 64-byte outer pad key, hex); this trigger uses and clears them, so they are never stored.
-- Rows chained before this migration keep their SHA-256 links (chain_key_id null) and still verify; once the
-- first keyed row exists, an INSERT without a key is refused, so the chain cannot fall back to SHA-256.
-- Self-contained: replaces the function of migration 0003; the trigger itself is unchanged.
CREATE OR REPLACE FUNCTION audit_log_chain() RETURNS trigger AS $$
DECLARE
  last_hash text;
  last_key text;
  pads bytea;
BEGIN
  -- outside the lock: decoding the pads needs nothing from other rows
  pads := decode(NEW.mac_key, 'hex');
  NEW.mac_key := NULL;
  PERFORM pg_advisory_xact_lock(6015613);
  SELECT hash, chain_key_id INTO last_hash, last_key FROM audit_log ORDER BY id DESC LIMIT 1;
  NEW.id := nextval(pg_get_serial_sequence('audit_log', 'id'));
  NEW.prev_hash := coalesce(last_hash, repeat('0', 64));
  IF pads IS NULL THEN
    IF last_key IS NOT NULL THEN
      RAISE EXCEPTION 'audit_log is chained with a key: entries are written by Switchboard, which has it' USING ERRCODE = '42501';
    END IF;
    NEW.chain_key_id := NULL;
    NEW.hash := encode(sha256(convert_to(NEW.prev_hash || E'\n' || NEW.body_hash, 'UTF8')), 'hex');
  ELSE
    IF length(pads) <> 128 OR NEW.chain_key_id IS NULL THEN
      RAISE EXCEPTION 'audit_log: mac_key must be 128 bytes of HMAC pads and chain_key_id name the key';
    END IF;
    NEW.hash := encode(sha256(substring(pads FROM 65 FOR 64) || sha256(substring(pads FROM 1 FOR 64) || convert_to(NEW.prev_hash || E'\n' || NEW.body_hash, 'UTF8'))), 'hex');
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
