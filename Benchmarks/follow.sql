-- The rows `planwatch follow PARTNERSHIP` reads, selected by the sqlite3 shell
-- alone with the statements planwatch runs and the output thrown away: the
-- partnership's actions (every column the reports read), then its timeline
-- from its latest inspection's publication to the as-of day: progress
-- updates, deadline extensions and linking reviews. The few single-row
-- lookups follow also makes (the inspection, its plan and grades, the link
-- inspector) are left out; they cost nothing beside these.
-- :partnership, :from and :as_of are replaced by the runner.
.output /dev/null
SELECT a.id, a.ref, a.title, a.owner, a.lead_agency, a.start_on, a.original_due, a.current_due, a.status,
       a.percent, a.completed_on, a.self_rag, a.created_on, i.key, p.key,
       a.last_update_on AS last_update
FROM action a JOIN inspection i ON i.id = a.inspection_id JOIN partnership p ON p.id = i.partnership_id
WHERE true AND p.key = :partnership ORDER BY p.key, i.key, a.id;
SELECT u.id, u.action_id, u.on_date, u.author, u.note, u.new_status, u.new_percent, u.evidence, u.recorded_at,
       i.key || '/' || a.ref AS action_ref FROM progress_update u
JOIN action a ON a.id = u.action_id JOIN inspection i ON i.id = a.inspection_id
JOIN partnership p ON p.id = i.partnership_id WHERE p.key = :partnership AND u.on_date BETWEEN :from AND :as_of ORDER BY u.on_date, u.id;
SELECT x.id, x.action_id, x.from_due, x.to_due, x.reason, x.agreed_by, x.recorded_on,
       i.key || '/' || a.ref AS action_ref FROM deadline_extension x
JOIN action a ON a.id = x.action_id JOIN inspection i ON i.id = a.inspection_id
JOIN partnership p ON p.id = i.partnership_id WHERE p.key = :partnership AND x.recorded_on BETWEEN :from AND :as_of ORDER BY x.recorded_on, x.id;
SELECT r.*, p.key AS partnership_key,
       (SELECT json_group_array(i.key || '/' || a.ref) FROM review_action ra JOIN action a ON a.id = ra.action_id
          JOIN inspection i ON i.id = a.inspection_id WHERE ra.review_id = r.id) AS action_refs,
       (SELECT json_group_array(ra.action_id) FROM review_action ra WHERE ra.review_id = r.id) AS action_ids
FROM linking_review r JOIN partnership p ON p.id = r.partnership_id
WHERE p.key = :partnership AND r.on_date BETWEEN :from AND :as_of ORDER BY r.on_date, r.id;
