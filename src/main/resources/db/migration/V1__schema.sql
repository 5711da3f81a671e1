-- Hotline 1022 gateway: the system of record.

create table contact (
  id            bigint generated always as identity primary key,
  channel       text not null,
  address       text not null,            -- E.164 phone, lower-cased e-mail, Zalo user id, Facebook PSID, web token
  display_name  text,
  phone         text,                     -- what a web citizen left besides the channel address
  email         text,
  created_at    timestamptz not null default now(),
  unique (channel, address)
);

create sequence inquiry_id_seq;

create table inquiry (
  id                 bigint primary key,  -- from inquiry_id_seq, allocated by hotline_ingest
  tracking_code      text not null unique, -- 1022-XXXX-XXXX, Crockford base32, random
  channel            text not null,
  contact_id         bigint not null references contact(id),
  thread_key         text,
  district           text,
  subject            text,
  topic              text not null,
  priority           text not null check (priority in ('normal', 'urgent')),
  department         text not null,
  status             text not null default 'new'
                     check (status in ('new', 'assigned', 'answered', 'closed', 'transferred', 'callback')),
  assignee           text,
  due_at             timestamptz not null,
  created_at         timestamptz not null,
  updated_at         timestamptz not null,
  last_message_at    timestamptz not null,
  first_response_at  timestamptz,
  closed_at          timestamptz,
  message_count      int not null default 0,
  version            int not null default 1
);
-- threading: the contact's open inquiries on a channel, newest first
create index inquiry_open_by_contact on inquiry (contact_id, channel, last_message_at desc) where status <> 'closed';
create index inquiry_queue on inquiry (status, priority, due_at);
create index inquiry_department on inquiry (department, status);

create table message (
  id           bigint generated always as identity primary key,
  inquiry_id   bigint not null references inquiry(id) deferrable initially deferred,
  channel      text not null,
  external_id  text not null,
  direction    text not null check (direction in ('in', 'out', 'note')),
  author       text,                       -- agent id for outbound messages and notes
  subject      text,
  body         text not null,
  attachments  jsonb,
  facts        jsonb,
  raw          text,                       -- the provider payload as received, for audit
  received_at  timestamptz not null,
  created_at   timestamptz not null default now(),
  unique (channel, external_id)
);
create index message_by_inquiry on message (inquiry_id, id);

-- The event log is the stream: readers follow it by seq. hotline_append_events takes a
-- transaction-scoped advisory lock before drawing seq values, so rows commit in seq order and a
-- reader that has seen seq N will never later find a committed row below N.
create sequence event_seq;

create table event (
  seq         bigint primary key,
  type        text not null,
  at          timestamptz not null default now(),
  inquiry_id  bigint,
  department  text,                        -- scope filter for officers
  payload     jsonb not null
);
create index event_by_inquiry on event (inquiry_id, seq);

create table outbox (
  id               bigint generated always as identity primary key,
  message_id       bigint not null unique references message(id),
  inquiry_id       bigint not null references inquiry(id),
  channel          text not null,
  status           text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
  attempts         int not null default 0,
  next_attempt_at  timestamptz not null default now(),
  last_error       text,
  created_at       timestamptz not null default now(),
  sent_at          timestamptz
);
create index outbox_due on outbox (next_attempt_at) where status = 'pending';
