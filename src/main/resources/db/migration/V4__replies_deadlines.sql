-- Replies and deadlines: the outbox dispatcher and the deadline watcher.

-- Once-per-inquiry deadline events: the watcher sets these in the transaction that appends the
-- event, under FOR UPDATE SKIP LOCKED, so two gateway processes never both emit one.
alter table inquiry
  add column deadline_warned_at  timestamptz,
  add column deadline_overdue_at timestamptz;

-- What the watcher scans every check: open inquiries not yet overdue, by due time (the warning
-- scan uses it too, filtering deadline_warned_at on the row: one index write per inquiry, not two).
create index inquiry_deadline_overdue on inquiry (due_at)
  where status not in ('closed', 'answered') and deadline_overdue_at is null;
-- The at-risk and overdue gauges count only open, flagged inquiries: a small set.
create index inquiry_deadline_flagged on inquiry (id)
  where status not in ('closed', 'answered') and (deadline_warned_at is not null or deadline_overdue_at is not null);
