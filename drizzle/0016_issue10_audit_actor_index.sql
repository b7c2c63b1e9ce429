-- No query can use audit_actor_idx (issue 10 "Speed"): the audit log's actor filter matches the actor's id
-- OR name, and with no index on the name PostgreSQL scans either way. Every audit entry still paid for
-- it: a 100,000-entry restore's inserts ~7 % (measured on PostgreSQL 15, 2 December).
DROP INDEX "audit_actor_idx";
