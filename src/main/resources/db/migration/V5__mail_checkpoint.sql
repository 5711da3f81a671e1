-- E-mail intake position per mailbox (account@host:port/folder, no password). last_uid is advanced
-- only after every message up to it is committed, so a restart re-reads at most one fetch batch,
-- which the (channel, external_id) dedupe absorbs. A new uid_validity means the server renumbered
-- the mailbox: the intake re-scans it from the start.
create table mail_checkpoint (
  mailbox       text primary key,
  uid_validity  bigint not null,
  last_uid      bigint not null,
  updated_at    timestamptz not null default now()
);

-- Who reads a mailbox: one gateway process at a time. The holder renews well before expires_at; a
-- process that died is taken over once its lease expired. A short overlap (a holder that lost its
-- lease still finishing a round) is harmless: the Message-ID dedupe absorbs it.
create table mail_lease (
  mailbox     text primary key,
  owner       text not null,
  expires_at  timestamptz not null
);
