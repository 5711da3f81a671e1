-- Post-commit workers of the Facebook, Zalo and e-mail channels: the Zalo OA token store, media
-- downloads and automatic receipts. They follow the event log by seq (events commit in seq order,
-- see V1), so none of them needs a change to hotline_ingest.

-- OAuth tokens per provider and account (Zalo: the app id). The refresh token is single use: a
-- refresher locks the row (FOR UPDATE) for the whole exchange and stores the new pair in the same
-- transaction, so two processes never spend the same token and a crash before the commit keeps the
-- old one.
create table oauth_token (
  provider       text not null,
  account        text not null,
  access_token   text,
  refresh_token  text not null,
  expires_at     timestamptz,               -- access token expiry; null = unknown (a bootstrap token)
  seeds_seen     text[] not null,           -- SHA-256 of every environment refresh token ever adopted: none is adopted twice
  refreshed_at   timestamptz,
  rejected_at    timestamptz,               -- the provider refused the refresh token: nobody tries again until a new seed
  retry_at       timestamptz,               -- a transient refresh failure: nobody tries before this
  last_error     text,
  updated_at     timestamptz not null default now(),
  primary key (provider, account)
);

-- How far a worker has followed the event log. One row per worker; a worker run locks its row with
-- FOR UPDATE SKIP LOCKED, so one process at a time advances it, and it advances in the transaction
-- that stores what the events produced.
create table worker_cursor (
  name        text primary key,
  seq         bigint not null,
  updated_at  timestamptz not null default now()
);
insert into worker_cursor (name, seq)
select w, coalesce((select max(seq) from event), 0) from unnest(array['media', 'receipts']) w;

-- Image and file attachments of inbound Zalo/Facebook messages, fetched soon after their message
-- commits (provider URLs expire). Claimed like the outbox: FOR UPDATE SKIP LOCKED plus a lease.
create table media (
  id               bigint generated always as identity primary key,
  message_id       bigint not null references message(id),
  idx              int not null,             -- index in the message's attachments array
  channel          text not null,
  kind             text not null check (kind in ('image', 'file')),
  name             text,
  url              text not null,
  status           text not null default 'pending' check (status in ('pending', 'stored', 'too_large', 'failed')),
  attempts         int not null default 0,
  next_attempt_at  timestamptz not null default now(),
  content_type     text,
  size             bigint,
  sha256           text,
  bytes            bytea,
  last_error       text,
  created_at       timestamptz not null default now(),
  fetched_at       timestamptz,
  unique (message_id, idx)
);
create index media_due on media (next_attempt_at) where status = 'pending';

-- An automatic receipt: an outbound message (external id 'receipt:<inquiry id>', so the message's
-- (channel, external_id) key allows one per inquiry) and its outbox row, with a message.created
-- event, in one transaction. Its subject is the inquiry's, so an e-mail receipt threads as a reply. Returns the message id, or null if the inquiry already has one.
create function hotline_queue_receipt(p_inquiry bigint, p_text text)
returns bigint
language plpgsql as $$
declare
  i inquiry;
  c contact;
  m message;
begin
  select * into i from inquiry where id = p_inquiry for update;
  if not found then
    return null;
  end if;
  insert into message (inquiry_id, channel, external_id, direction, author, subject, body, received_at)
  values (i.id, i.channel, 'receipt:' || i.id, 'out', 'system:receipt', i.subject, p_text, now())
  on conflict (channel, external_id) do nothing
  returning * into m;
  if m.id is null then
    return null;
  end if;
  insert into outbox (message_id, inquiry_id, channel) values (m.id, i.id, i.channel);
  update inquiry set message_count = message_count + 1, updated_at = now(), version = version + 1
  where id = i.id returning * into i;
  select * into c from contact where id = i.contact_id;
  perform hotline_append_events(array['message.created'], array[i.id], array[i.department],
    array[jsonb_build_object('message', hotline_message_json(m, i.tracking_code), 'inquiry', hotline_inquiry_json(i, c),
                             'by', 'system:receipt')]);
  return m.id;
end
$$;
