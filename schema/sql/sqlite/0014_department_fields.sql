-- Department tables II (issue 15): the catalog fields the real forms need, and GB/T 6565-2015
-- occupation codes by default. Keep in step with schema/sql/mysql/0014_department_fields.sql.
--
-- New catalog fields (schema/fields.yaml) are new columns, NULL for existing rows. Tag attributes
-- (低保证号, 特困供养证号, 残疾人证有效期, 就业创业证号, 居住处所, 拟居住期限, 登记日期, 暂住事由)
-- live in tag_assignment.attrs and need no column. 来本地事由 stored before this migration keeps its
-- Shenzhen code under the attribute `reason` (now labelled 来深事由); new imports of the header
-- 来本地事由 fill `stay_reason` (GA 暂住事由), and mappings print whichever is set.

ALTER TABLE household ADD COLUMN annual_income REAL;
ALTER TABLE household ADD COLUMN monthly_income_per_capita REAL;

ALTER TABLE person ADD COLUMN nationality TEXT;
ALTER TABLE person ADD COLUMN separation_direction TEXT;
ALTER TABLE person ADD COLUMN spouse_person_id INTEGER;
ALTER TABLE person ADD COLUMN spouse_name TEXT;
ALTER TABLE person ADD COLUMN spouse_id_number TEXT;
ALTER TABLE person ADD COLUMN guardian_name TEXT;
ALTER TABLE person ADD COLUMN guardian_relationship TEXT;
ALTER TABLE person ADD COLUMN guardian_phone TEXT;
ALTER TABLE person ADD COLUMN work_ability TEXT;
ALTER TABLE person ADD COLUMN incapacity_level TEXT;
ALTER TABLE person ADD COLUMN pension_type TEXT;
ALTER TABLE person ADD COLUMN pension_grade REAL;
ALTER TABLE person ADD COLUMN pension_status TEXT;
ALTER TABLE person ADD COLUMN bank_name TEXT;
ALTER TABLE person ADD COLUMN account_name TEXT;
ALTER TABLE person ADD COLUMN account_number TEXT;
ALTER TABLE person ADD COLUMN social_security_card TEXT;
ALTER TABLE person ADD COLUMN occupation_shenzhen TEXT;

-- 职业 now defaults to the GB/T 6565-2015 major groups (codes 1–8), whose codes overlap the
-- Shenzhen local list's (1–13) with other meanings. So the stored Shenzhen codes move, unchanged,
-- to occupation_shenzhen (the local alternative), and occupation gets the major group each one
-- falls in, or NULL where the local value is not an occupation (学生, 自由职业者, 无业, 离退休).
-- The history the as-of scan reads (field_change) moves the same way, so a table for a past date
-- prints the same labels.
UPDATE person SET occupation_shenzhen = occupation WHERE occupation IS NOT NULL;
UPDATE person SET occupation = CASE occupation
    WHEN '1' THEN '3' WHEN '2' THEN '2' WHEN '3' THEN '3' WHEN '4' THEN '1' WHEN '5' THEN '6'
    WHEN '6' THEN '5' WHEN '8' THEN '7' WHEN '10' THEN '4' WHEN '13' THEN '8' ELSE NULL END
  WHERE occupation IS NOT NULL;
INSERT INTO field_change (entity, entity_id, field, old_value, replaced_at)
  SELECT entity, entity_id, 'occupation_shenzhen', old_value, replaced_at FROM field_change
  WHERE entity = 'person' AND field = 'occupation';
UPDATE field_change SET old_value = CASE old_value
    WHEN '1' THEN '3' WHEN '2' THEN '2' WHEN '3' THEN '3' WHEN '4' THEN '1' WHEN '5' THEN '6'
    WHEN '6' THEN '5' WHEN '8' THEN '7' WHEN '10' THEN '4' WHEN '13' THEN '8' ELSE NULL END
  WHERE entity = 'person' AND field = 'occupation' AND old_value IS NOT NULL;
