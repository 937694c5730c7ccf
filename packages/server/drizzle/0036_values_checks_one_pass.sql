-- Values imports (issue 16): the statement-level checks of actual_values read each statement's rows
-- once, not once per rule. actual_values_refs_check (0035) scanned its transition table five times
-- (plans locked, plans missing, users locked, reporters missing, verifiers missing) and hashed every
-- row in each; bump_plan_input_versions (0007) looked up the plan of every row. Both now reduce the
-- rows to their distinct keys in one pass first; the rules, errors and locks are those of 0035 and 0007.
CREATE OR REPLACE FUNCTION "actual_values_refs_check"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  missing uuid;
  plan_ids uuid[];
  reporter_ids uuid[];
  verifier_ids uuid[];
BEGIN
  SELECT array_agg(DISTINCT k.plan_id),
      coalesce(array_agg(DISTINCT k.reported_by) FILTER (WHERE k.reported_by IS NOT NULL), '{}'),
      coalesce(array_agg(DISTINCT k.verified_by) FILTER (WHERE k.verified_by IS NOT NULL), '{}')
    INTO plan_ids, reporter_ids, verifier_ids
    FROM (SELECT plan_id, reported_by, verified_by FROM new_values GROUP BY 1, 2, 3) k;
  PERFORM 1 FROM plans p WHERE p.id = ANY (plan_ids) FOR KEY SHARE OF p;
  SELECT n INTO missing FROM unnest(plan_ids) n
    WHERE NOT EXISTS (SELECT 1 FROM plans p WHERE p.id = n) LIMIT 1;
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'insert or update on table "actual_values" violates foreign key constraint "actual_values_plan_id_plans_id_fk"'
      USING ERRCODE = 'foreign_key_violation',
        DETAIL = format('Key (plan_id)=(%s) is not present in table "plans".', missing),
        TABLE = 'actual_values', CONSTRAINT = 'actual_values_plan_id_plans_id_fk';
  END IF;
  PERFORM 1 FROM users u WHERE u.id = ANY (reporter_ids || verifier_ids) FOR KEY SHARE OF u;
  SELECT n INTO missing FROM unnest(reporter_ids) n
    WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = n) LIMIT 1;
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'insert or update on table "actual_values" violates foreign key constraint "actual_values_reported_by_users_id_fk"'
      USING ERRCODE = 'foreign_key_violation',
        DETAIL = format('Key (reported_by)=(%s) is not present in table "users".', missing),
        TABLE = 'actual_values', CONSTRAINT = 'actual_values_reported_by_users_id_fk';
  END IF;
  SELECT n INTO missing FROM unnest(verifier_ids) n
    WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = n) LIMIT 1;
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'insert or update on table "actual_values" violates foreign key constraint "actual_values_verified_by_users_id_fk"'
      USING ERRCODE = 'foreign_key_violation',
        DETAIL = format('Key (verified_by)=(%s) is not present in table "users".', missing),
        TABLE = 'actual_values', CONSTRAINT = 'actual_values_verified_by_users_id_fk';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "bump_plan_input_versions"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO plan_input_versions AS v (plan_id, version)
  SELECT c.plan_id, 1 FROM (SELECT DISTINCT plan_id FROM changed) c
    WHERE EXISTS (SELECT 1 FROM plans p WHERE p.id = c.plan_id)
  ON CONFLICT (plan_id) DO UPDATE SET version = v.version + 1;
  RETURN NULL;
END $$;
