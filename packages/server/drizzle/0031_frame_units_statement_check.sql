-- survey_frame_units.survey_id loses its foreign key constraint: the constraint checked each inserted
-- row on its own (one lookup and row lock per unit, queued until the end of the statement: 6 of the
-- 12 s a million-row frame took to load). The same rules now hold per statement, over its rows at once:
-- the surveys named must exist (and are locked against a concurrent delete, as the key check did), and
-- deleting a survey deletes its units (as `on delete cascade` did).
ALTER TABLE "survey_frame_units" DROP CONSTRAINT "survey_frame_units_survey_id_surveys_id_fk";--> statement-breakpoint
CREATE FUNCTION "survey_frame_units_survey_check"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  missing uuid;
BEGIN
  PERFORM 1 FROM surveys s WHERE s.id IN (SELECT survey_id FROM new_units) FOR KEY SHARE OF s;
  SELECT n.survey_id INTO missing FROM (SELECT DISTINCT survey_id FROM new_units) n
    WHERE NOT EXISTS (SELECT 1 FROM surveys s WHERE s.id = n.survey_id) LIMIT 1;
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'insert or update on table "survey_frame_units" violates foreign key constraint "survey_frame_units_survey_id_surveys_id_fk"'
      USING ERRCODE = 'foreign_key_violation',
        DETAIL = format('Key (survey_id)=(%s) is not present in table "surveys".', missing),
        TABLE = 'survey_frame_units', CONSTRAINT = 'survey_frame_units_survey_id_surveys_id_fk';
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "survey_frame_units_survey_ins" AFTER INSERT ON "survey_frame_units" REFERENCING NEW TABLE AS new_units FOR EACH STATEMENT EXECUTE FUNCTION survey_frame_units_survey_check();--> statement-breakpoint
CREATE TRIGGER "survey_frame_units_survey_upd" AFTER UPDATE ON "survey_frame_units" REFERENCING NEW TABLE AS new_units FOR EACH STATEMENT EXECUTE FUNCTION survey_frame_units_survey_check();--> statement-breakpoint
CREATE FUNCTION "surveys_delete_frame_units"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM survey_frame_units u USING old_surveys o WHERE u.survey_id = o.id;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "surveys_del_frame_units" AFTER DELETE ON "surveys" REFERENCING OLD TABLE AS old_surveys FOR EACH STATEMENT EXECUTE FUNCTION surveys_delete_frame_units();
