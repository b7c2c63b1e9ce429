-- Audit chain, lock and head lookup once per transaction (issue 9 "Writes and memory", issue 10 "Speed").
-- Migration 0006 took the chain lock and read the last row's hash for every row it chained: a bulk of
-- 100,000 entries paid 100,000 lock calls and index lookups while holding the lock every writer queues on.
-- Now the first row a transaction chains takes the lock and reads the head; every later row of that
-- transaction (the rest of a multi-row INSERT, or a later INSERT) chains onto the head it keeps in a
-- transaction-local setting: "<txid> <hash> <chain_key_id>". The lock is still held until commit, so id order
-- is chain order and no other transaction can read a head that is not yet committed. The setting is local
-- to the (sub)transaction: rolled back with a savepoint's rows, gone at commit; a value not of this
-- transaction (a session-level one) is ignored. The links themselves are computed exactly as in 0006, so
-- every existing row verifies unchanged. Self-contained: replaces the function only; the trigger stays.
CREATE OR REPLACE FUNCTION audit_log_chain() RETURNS trigger AS $$
DECLARE
  head text;
  txid text;
  last_hash text;
  last_key text;
  pads bytea;
BEGIN
  pads := decode(NEW.mac_key, 'hex');
  NEW.mac_key := NULL;
  txid := txid_current()::text;
  head := current_setting('switchboard.audit_head', true);
  IF head IS NOT NULL AND split_part(head, ' ', 1) = txid THEN
    last_hash := split_part(head, ' ', 2);
    last_key := nullif(substr(head, length(txid) + length(last_hash) + 3), '');
  ELSE
    PERFORM pg_advisory_xact_lock(6015613);
    SELECT hash, chain_key_id INTO last_hash, last_key FROM audit_log ORDER BY id DESC LIMIT 1;
  END IF;
  NEW.id := nextval('audit_log_id_seq'::regclass);
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
  PERFORM set_config('switchboard.audit_head', txid || ' ' || NEW.hash || ' ' || coalesce(NEW.chain_key_id, ''), true);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
