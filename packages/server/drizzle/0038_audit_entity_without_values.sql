-- Values imports (issue 16): audit_entity indexed every entry, a million `actual_value` entries per
-- million-row values import among them, each landing mid-index (text keys under the default
-- collation): about a tenth of the database's CPU time for the import. Nothing looks a value's
-- entries up one by one (append.ts latestHashes looks up companions, which are never values;
-- baseline.ts reads a whole type, values by scanning the log), so values' entries stay out of the
-- index. Entries, hashes, seals and verify-audit are unchanged.
DROP INDEX "audit_entity";--> statement-breakpoint
CREATE INDEX "audit_entity" ON "audit_log" USING btree ("entity_type","entity_id") WHERE entity_type <> 'actual_value';
