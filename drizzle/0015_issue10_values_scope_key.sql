-- Stored values indexed by (scope, key) instead of scope alone (issue 10 "Speed"): bulk reads of values (a
-- backup's, a restore's, an export's) come in pages in (scope, key) order, each starting after the last row
-- of the page before. With this index a page is one index range scan; with the scope-only one every page
-- sorted all the rows after it. Lookups by scope alone use the new index's leading column as before.
CREATE INDEX "setting_values_scope_key_idx" ON "setting_values" USING btree ("scope_id","key");--> statement-breakpoint
DROP INDEX "setting_values_scope_idx";
