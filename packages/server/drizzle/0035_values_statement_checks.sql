-- actual_values loses its three foreign key constraints (plan_id → plans, reported_by and verified_by →
-- users): each checked every inserted row on its own (three trigger events per row, queued to the end
-- of the statement: 1.5 of the database's 5 s of CPU for a million values in psql's COPY). The same
-- rules now hold per statement over its rows at once: the plans and users named must exist (locked
-- FOR KEY SHARE against a concurrent delete, as the key checks did); deleting a plan deletes its values
-- (as `on delete cascade` did); deleting a user who reported or verified a value is refused.
ALTER TABLE "actual_values" DROP CONSTRAINT "actual_values_plan_id_plans_id_fk";
--> statement-breakpoint
ALTER TABLE "actual_values" DROP CONSTRAINT "actual_values_reported_by_users_id_fk";
--> statement-breakpoint
ALTER TABLE "actual_values" DROP CONSTRAINT "actual_values_verified_by_users_id_fk";
--> statement-breakpoint
CREATE FUNCTION "actual_values_refs_check"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  missing uuid;
BEGIN
  PERFORM 1 FROM plans p WHERE p.id IN (SELECT plan_id FROM new_values) FOR KEY SHARE OF p;
  SELECT n.plan_id INTO missing FROM (SELECT DISTINCT plan_id FROM new_values) n
    WHERE NOT EXISTS (SELECT 1 FROM plans p WHERE p.id = n.plan_id) LIMIT 1;
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'insert or update on table "actual_values" violates foreign key constraint "actual_values_plan_id_plans_id_fk"'
      USING ERRCODE = 'foreign_key_violation',
        DETAIL = format('Key (plan_id)=(%s) is not present in table "plans".', missing),
        TABLE = 'actual_values', CONSTRAINT = 'actual_values_plan_id_plans_id_fk';
  END IF;
  PERFORM 1 FROM users u
    WHERE u.id IN (SELECT reported_by FROM new_values UNION SELECT verified_by FROM new_values)
    FOR KEY SHARE OF u;
  SELECT n.reported_by INTO missing FROM (SELECT DISTINCT reported_by FROM new_values) n
    WHERE n.reported_by IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = n.reported_by) LIMIT 1;
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'insert or update on table "actual_values" violates foreign key constraint "actual_values_reported_by_users_id_fk"'
      USING ERRCODE = 'foreign_key_violation',
        DETAIL = format('Key (reported_by)=(%s) is not present in table "users".', missing),
        TABLE = 'actual_values', CONSTRAINT = 'actual_values_reported_by_users_id_fk';
  END IF;
  SELECT n.verified_by INTO missing FROM (SELECT DISTINCT verified_by FROM new_values) n
    WHERE n.verified_by IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = n.verified_by) LIMIT 1;
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'insert or update on table "actual_values" violates foreign key constraint "actual_values_verified_by_users_id_fk"'
      USING ERRCODE = 'foreign_key_violation',
        DETAIL = format('Key (verified_by)=(%s) is not present in table "users".', missing),
        TABLE = 'actual_values', CONSTRAINT = 'actual_values_verified_by_users_id_fk';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "actual_values_refs_ins" AFTER INSERT ON "actual_values" REFERENCING NEW TABLE AS new_values FOR EACH STATEMENT EXECUTE FUNCTION actual_values_refs_check();
--> statement-breakpoint
CREATE TRIGGER "actual_values_refs_upd" AFTER UPDATE ON "actual_values" REFERENCING NEW TABLE AS new_values FOR EACH STATEMENT EXECUTE FUNCTION actual_values_refs_check();
--> statement-breakpoint
CREATE FUNCTION "plans_delete_values"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM actual_values v USING old_plans o WHERE v.plan_id = o.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "plans_del_values" AFTER DELETE ON "plans" REFERENCING OLD TABLE AS old_plans FOR EACH STATEMENT EXECUTE FUNCTION plans_delete_values();
--> statement-breakpoint
CREATE FUNCTION "users_delete_values_check"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  used uuid;
  used_as text;
BEGIN
  SELECT o.id, CASE WHEN EXISTS (SELECT 1 FROM actual_values v WHERE v.reported_by = o.id)
      THEN 'reported_by' ELSE 'verified_by' END
    INTO used, used_as FROM old_users o
    WHERE EXISTS (SELECT 1 FROM actual_values v WHERE v.reported_by = o.id OR v.verified_by = o.id) LIMIT 1;
  IF used IS NOT NULL THEN
    RAISE EXCEPTION 'update or delete on table "users" violates foreign key constraint "actual_values_%_users_id_fk" on table "actual_values"', used_as
      USING ERRCODE = 'foreign_key_violation',
        DETAIL = format('Key (id)=(%s) is still referenced from table "actual_values".', used),
        TABLE = 'actual_values', CONSTRAINT = format('actual_values_%s_users_id_fk', used_as);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "users_del_values" AFTER DELETE ON "users" REFERENCING OLD TABLE AS old_users FOR EACH STATEMENT EXECUTE FUNCTION users_delete_values_check();
