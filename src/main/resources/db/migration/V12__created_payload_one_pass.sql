-- inquiry.created payloads of the set-based path built in one pass, from the batch's own values
-- (issue 4's throughput).
--
-- V11 built each new inquiry's payload after the inserts by reading the inquiry, its contact and its
-- message back, and with nested jsonb_build_object calls, each of which serializes its object and
-- has the enclosing call take it apart again. Measured under webhook load: ~22 us of Postgres CPU per
-- payload for the JSON, ~9 us for the reads. Here the message insert returns the message ids, the
-- inquiry insert and the payloads share one materialized row source (the item, its ids, its contact
-- as refreshed above, its tracking code drawn once), and to_jsonb over the composite types below
-- builds the whole document in one pass (~13 us; the same jsonb, compared on 20,000 stored rows).
-- hotline_ingest is otherwise V11's (a migration can only replace a function whole); ChatIngestIT
-- compares its events with V10's and checks every payload's ids against the rows.

-- The payload's shapes, field for field what hotline_inquiry_json and hotline_message_json build.
create type hotline_contact_doc as (address text, name text, phone text, email text);
create type hotline_inquiry_doc as (
  id bigint, "trackingCode" text, channel text, status text, topic text, priority text, department text,
  assignee text, subject text, district text, "dueAt" timestamptz, "createdAt" timestamptz,
  "updatedAt" timestamptz, "lastMessageAt" timestamptz, "firstResponseAt" timestamptz,
  "closedAt" timestamptz, "messageCount" int, version int, contact hotline_contact_doc);
create type hotline_message_doc as (
  id bigint, "inquiryId" bigint, "trackingCode" text, channel text, "externalId" text, direction text,
  author text, subject text, text text, attachments jsonb, "receivedAt" timestamptz);
create type hotline_created_doc as (inquiry hotline_inquiry_doc, message hotline_message_doc);

-- Every other event's inquiry and message objects come from these two (V2's, same output): through
-- the composite types the contact is no longer serialized once more inside the inquiry, ~5 us less
-- per message.created payload (16.6 against 22 us, measured like the above, equal on 20,000 rows).
create or replace function hotline_inquiry_json(i inquiry, c contact) returns jsonb
language sql stable as $$
  select to_jsonb(row(i.id, i.tracking_code, i.channel, i.status, i.topic, i.priority, i.department, i.assignee, i.subject,
    i.district, i.due_at, i.created_at, i.updated_at, i.last_message_at, i.first_response_at, i.closed_at, i.message_count,
    i.version, row(c.address, c.display_name, c.phone, c.email)::hotline_contact_doc)::hotline_inquiry_doc)
$$;

create or replace function hotline_message_json(m message, tracking_code text) returns jsonb
language sql stable as $$
  select to_jsonb(row(m.id, m.inquiry_id, tracking_code, m.channel, m.external_id, m.direction, m.author, m.subject, m.body,
    coalesce(m.attachments, '[]'::jsonb), m.received_at)::hotline_message_doc)
$$;

create or replace function hotline_ingest(items jsonb)
returns table (idx int, outcome text, inquiry_id bigint, tracking_code text, status text, topic text,
               priority text, department text, due_at timestamptz, created boolean)
language plpgsql
-- every statement below looks up or writes a batch's own rows by index (a batch is at most a few
-- hundred items): a plan cached while the tables were small must never turn into scans or hashes
set enable_seqscan = off set enable_hashjoin = off set enable_mergejoin = off
as $$
#variable_conflict use_column
declare
  r record;
  v_all hotline_item[];
  v_new hotline_item[];
  v_fast int[];
  v_ids bigint[];
  v_iid bigint[];
  v_mid bigint[];
  v_inquiry bigint;
  v_message message;
  v_inq inquiry;
  v_con contact;
  v_created boolean;
  v_ext text;
  v_facts jsonb;
  v_hash text;
  v_old_hash text;
  v_by text;
  v_owner bigint;
  v_msg_json jsonb;
  v_parents text[];
  v_old_status text;
  v_old_due timestamptz;
  ev_types text[] := '{}';
  ev_inquiries bigint[] := '{}';
  ev_departments text[] := '{}';
  ev_payloads jsonb[] := '{}';
  v_created_ids bigint[];
  v_created_departments text[];
  v_created_payloads jsonb[];
begin
  -- 1. New threads, set-based (see the header for which threaded items are among them). Each gets an inquiry id up front; the message insert is the dedupe
  --    gate: a replay (stored before, earlier in this batch, or by a concurrent batch) inserts
  --    nothing and is answered with the inquiry it already belongs to.
  v_all := array(select x from jsonb_populate_recordset(null::hotline_item, items) x order by x.idx);
  -- One writer at a time per threaded contact: a concurrent batch (the other writer slot, another
  -- replica) with a message of the same sender waits here for this one's commit, then finds the
  -- inquiry it opened instead of opening a second. Sorted, so two batches cannot deadlock; the
  -- two-key form never meets the event-order lock (1022), which is taken last.
  perform pg_advisory_xact_lock(1023, k)
  from (select distinct hashtext(x.channel || ':' || x.address) as k from unnest(v_all) x
        where not x.new_thread and x.address is not null order by 1) c;
  v_new := array(
    select t.x
    from (select x, x.idx, row_number() over (partition by x.channel, x.address order by x.idx) as rn
          from unnest(v_all) x where x.channel <> 'email') t
    -- lateral lookups, one index probe per item (an EXISTS here may be planned as a hash of the table)
    left join lateral (select true as found from message m
                       where not (t.x).new_thread and t.rn = 1
                         and m.channel = (t.x).channel and m.external_id = (t.x).external_id limit 1) stored on true
    left join lateral (select true as found from contact c join inquiry i on i.contact_id = c.id
                       where not (t.x).new_thread and t.rn = 1
                         and c.channel = (t.x).channel and c.address = (t.x).address
                         and i.channel = (t.x).channel and i.status <> 'closed'
                         and i.last_message_at >= (t.x).received_at - make_interval(secs => (t.x).window_seconds)
                         and ((t.x).thread_key is null or i.thread_key is not distinct from (t.x).thread_key)
                       limit 1) open on true
    where (t.x).new_thread or (t.rn = 1 and stored.found is null and open.found is null)
    order by t.idx);
  v_fast := array(select u.idx from unnest(v_new) u where not u.new_thread);
  if cardinality(v_new) > 0 then
    v_ids := array(select nextval('inquiry_id_seq') from generate_series(1, cardinality(v_new)));

    with m as (
      insert into message (inquiry_id, channel, external_id, direction, subject, body, attachments, facts, raw, received_at)
      select v_ids[u.ordinality], u.channel, u.external_id, 'in', u.subject, coalesce(u.body, ''), u.attachments, u.facts,
             u.raw, u.received_at
      from unnest(v_new) with ordinality u order by u.idx
      on conflict (channel, external_id) do nothing
      returning id, inquiry_id
    )
    select array_agg(m.inquiry_id order by m.inquiry_id), array_agg(m.id order by m.inquiry_id) into v_iid, v_mid from m;

    if v_iid is not null then
      insert into contact (channel, address, display_name, phone, email)
      select distinct on (u.channel, u.address) u.channel, u.address, u.display_name, u.phone, u.email
      from unnest(v_new) with ordinality u join unnest(v_iid) s(iid) on s.iid = v_ids[u.ordinality]
      order by u.channel, u.address, u.idx
      on conflict (channel, address) do nothing;

      if cardinality(v_fast) > 0 then
        -- the loop's refresh of a known contact's name, phone and e-mail (one item per contact here)
        update contact c set display_name = coalesce(u.display_name, c.display_name),
                             phone = coalesce(u.phone, c.phone), email = coalesce(u.email, c.email)
        from unnest(v_new) with ordinality u join unnest(v_iid) s(iid) on s.iid = v_ids[u.ordinality]
        where not u.new_thread and (u.display_name is not null or u.phone is not null or u.email is not null)
          and c.channel = u.channel and c.address = u.address
          and ((u.display_name is not null and u.display_name is distinct from c.display_name)
            or (u.phone is not null and u.phone is distinct from c.phone)
            or (u.email is not null and u.email is distinct from c.email));
      end if;

      -- the new inquiries and their inquiry.created payloads from one row source: the event shows
      -- the inquiry as it was created, before the loop below adds later messages of the same
      -- contact to it or refreshes the contact
      with src as materialized (
        select s.iid, s.mid, u.idx, u.channel, u.external_id, u.thread_key, u.district, u.subject, u.body, u.attachments,
               u.topic, u.priority, u.department, u.due_at, u.received_at, coalesce(u.tracking_code, hotline_tracking_code()) as code,
               c.id as contact_id, c.address, c.display_name, c.phone, c.email
        from unnest(v_new) with ordinality u join unnest(v_iid, v_mid) s(iid, mid) on s.iid = v_ids[u.ordinality]
        join contact c on c.channel = u.channel and c.address = u.address
      ), ins as (
        insert into inquiry (id, tracking_code, channel, contact_id, thread_key, district, subject, topic, priority,
                             department, due_at, created_at, updated_at, last_message_at, message_count)
        select x.iid, x.code, x.channel, x.contact_id, x.thread_key, x.district, x.subject, x.topic, x.priority, x.department,
               x.due_at, now(), now(), x.received_at, 1
        from src x
      )
      -- the inserted row's defaults spelled out: status new, no assignee, version 1
      select array_agg(x.iid order by x.iid), array_agg(x.department order by x.iid),
             array_agg(to_jsonb(row(
               row(x.iid, x.code, x.channel, 'new', x.topic, x.priority, x.department, null, x.subject, x.district, x.due_at,
                   now(), now(), x.received_at, null, null, 1, 1,
                   row(x.address, x.display_name, x.phone, x.email)::hotline_contact_doc)::hotline_inquiry_doc,
               row(x.mid, x.iid, x.code, x.channel, x.external_id, 'in', null, x.subject, coalesce(x.body, ''),
                   coalesce(x.attachments, '[]'::jsonb), x.received_at)::hotline_message_doc)::hotline_created_doc)
                       order by x.iid)
      into v_created_ids, v_created_departments, v_created_payloads
      from src x;
    end if;

    if coalesce(cardinality(v_iid), 0) < cardinality(v_new) then -- some were replays: answer them with the inquiry they belong to
      return query
      select u.idx, 'duplicate'::text, i.id, i.tracking_code, i.status, i.topic, i.priority, i.department, i.due_at, false
      from unnest(v_new) with ordinality u
      join message m on m.channel = u.channel and m.external_id = u.external_id
      join inquiry i on i.id = m.inquiry_id
      -- only items whose message was not inserted above are looked up
      where coalesce(v_ids[u.ordinality] <> all(v_iid), true) and i.id <> v_ids[u.ordinality];
    end if;

    return query
    select u.idx, 'stored'::text, i.id, i.tracking_code, i.status, i.topic, i.priority, i.department, i.due_at, true
    from unnest(v_new) with ordinality u join inquiry i on i.id = v_ids[u.ordinality];
  end if;

  -- 2. Threaded channels, one by one (but those taken above): each may join an open inquiry of its contact.
  for r in select * from unnest(v_all) x
           where (not x.new_thread or x.channel = 'email') and x.idx <> all(coalesce(v_fast, '{}')) order by x.idx loop
    v_ext := r.external_id;
    v_facts := r.facts;
    v_hash := r.facts->>'contentHash';
    select m.inquiry_id, m.facts->>'contentHash' into v_inquiry, v_old_hash
    from message m where m.channel = r.channel and m.external_id = v_ext;
    if found and r.channel = 'email' and v_hash is not null and v_old_hash is not null and v_old_hash <> v_hash then
      -- a different message under a known Message-ID: never merged, kept apart under a suffixed id
      v_ext := r.external_id || '#' || left(v_hash, 16);
      v_facts := coalesce(v_facts, '{}'::jsonb) || jsonb_build_object('messageIdReused', r.external_id);
      select m.inquiry_id into v_inquiry from message m where m.channel = r.channel and m.external_id = v_ext;
    end if;
    if found then
      return query select r.idx, 'duplicate'::text, i.id, i.tracking_code, i.status, i.topic, i.priority,
                          i.department, i.due_at, false from inquiry i where i.id = v_inquiry;
      continue;
    end if;

    select * into v_con from contact c where c.channel = r.channel and c.address = r.address;
    if not found then
      insert into contact (channel, address, display_name, phone, email)
      values (r.channel, r.address, r.display_name, r.phone, r.email)
      on conflict (channel, address) do nothing
      returning * into v_con;
      if v_con.id is null then
        select * into v_con from contact c where c.channel = r.channel and c.address = r.address;
      end if;
    elsif (r.display_name is not null and r.display_name is distinct from v_con.display_name)
       or (r.phone is not null and r.phone is distinct from v_con.phone)
       or (r.email is not null and r.email is distinct from v_con.email) then
      update contact c set display_name = coalesce(r.display_name, c.display_name),
                           phone = coalesce(r.phone, c.phone), email = coalesce(r.email, c.email)
      where c.id = v_con.id returning * into v_con;
    end if;

    v_inquiry := null;
    v_by := null;
    v_old_status := null;
    v_parents := case when r.channel = 'email' then hotline_mail_parent_ids(r.facts) else '{}' end;
    if r.window_seconds > 0 and cardinality(v_parents) > 0 then
      -- any parent id: a citizen's earlier mail, or one of our replies (two index lookups)
      select x.inquiry_id into v_inquiry
      from (select m.inquiry_id, m.id from message m where m.channel = 'email' and m.external_id = any(v_parents)
            union all
            select o.inquiry_id, o.message_id from mail_outbound_id o where o.mail_id = any(v_parents)) x
      join inquiry i on i.id = x.inquiry_id
      where i.channel = 'email' and i.status <> 'closed'
        and i.last_message_at >= r.received_at - make_interval(secs => r.window_seconds)
      order by x.id desc limit 1;
      if v_inquiry is not null then
        v_by := 'references';
      end if;
    end if;
    if r.window_seconds > 0 and v_inquiry is null then
      select i.id, i.status, i.due_at into v_inquiry, v_old_status, v_old_due from inquiry i
      where i.contact_id = v_con.id and i.channel = r.channel and i.status <> 'closed'
        and i.last_message_at >= r.received_at - make_interval(secs => r.window_seconds)
        and (r.thread_key is null or i.thread_key is not distinct from r.thread_key)
      order by i.last_message_at desc limit 1
      for update;
    end if;
    if r.window_seconds > 0 and v_inquiry is null and r.channel = 'email' and r.facts ? 'subjectCode' then
      -- headers stripped: the tracking code we put in our reply's subject
      select i.id into v_inquiry from inquiry i
      where i.tracking_code = r.facts->>'subjectCode' and i.channel = 'email' and i.status <> 'closed'
        and i.last_message_at >= r.received_at - make_interval(secs => r.window_seconds);
      if v_inquiry is not null then
        v_by := 'subject-code';
      end if;
    end if;
    if v_by is not null then
      select i.id, i.contact_id, i.status, i.due_at into v_inquiry, v_owner, v_old_status, v_old_due
      from inquiry i where i.id = v_inquiry and i.status <> 'closed' for update;
      if v_inquiry is not null then
        v_facts := coalesce(v_facts, '{}'::jsonb) || jsonb_build_object('threadedBy', v_by);
        if v_owner <> v_con.id then
          -- joined someone else's inquiry (second address, forwarded code, or a guess): agents must see it
          v_facts := v_facts || jsonb_build_object('threadContactMismatch', 'true');
        end if;
      end if;
    end if;
    v_created := v_inquiry is null;
    if v_created then
      v_inquiry := nextval('inquiry_id_seq');
    end if;

    insert into message (inquiry_id, channel, external_id, direction, subject, body, attachments, facts, raw, received_at)
    values (v_inquiry, r.channel, v_ext, 'in', r.subject, coalesce(r.body, ''), r.attachments, v_facts, r.raw, r.received_at)
    on conflict (channel, external_id) do nothing
    returning * into v_message;
    if v_message.id is null then
      return query select r.idx, 'duplicate'::text, i.id, i.tracking_code, i.status, i.topic, i.priority,
                          i.department, i.due_at, false
                   from message m join inquiry i on i.id = m.inquiry_id
                   where m.channel = r.channel and m.external_id = v_ext;
      continue;
    end if;

    if v_created then
      insert into inquiry (id, tracking_code, channel, contact_id, thread_key, district, subject, topic, priority,
                           department, due_at, created_at, updated_at, last_message_at, message_count)
      values (v_inquiry, coalesce(r.tracking_code, hotline_tracking_code()), r.channel, v_con.id, r.thread_key, r.district,
              r.subject, r.topic, r.priority, r.department, r.due_at, now(), now(), r.received_at, 1)
      returning * into v_inq;
      ev_types := ev_types || 'inquiry.created'::text;
      ev_payloads := ev_payloads || jsonb_build_object('inquiry', hotline_inquiry_json(v_inq, v_con),
                                                      'message', hotline_message_json(v_message, v_inq.tracking_code));
    else
      -- a reopen (answered -> new/assigned) restarts the clock; an open inquiry keeps its deadline
      update inquiry i set last_message_at = greatest(i.last_message_at, r.received_at), updated_at = now(),
                           message_count = i.message_count + 1, version = i.version + 1,
                           status = case when i.status = 'answered' then case when i.assignee is null then 'new' else 'assigned' end
                                         else i.status end,
                           due_at = case when i.status = 'answered' then r.due_at else i.due_at end,
                           reopened_at = case when i.status = 'answered' then r.received_at else i.reopened_at end,
                           deadline_warned_at = case when i.status = 'answered' then null else i.deadline_warned_at end,
                           deadline_overdue_at = case when i.status = 'answered' then null else i.deadline_overdue_at end
      where i.id = v_inquiry returning * into v_inq;
      ev_types := ev_types || 'message.created'::text;
      v_msg_json := hotline_message_json(v_message, v_inq.tracking_code);
      if v_facts ? 'threadContactMismatch' then
        v_msg_json := v_msg_json || jsonb_build_object('threadContactMismatch', true, 'threadedBy', v_by);
      end if;
      ev_payloads := ev_payloads || jsonb_build_object('message', v_msg_json,
                                                      'inquiry', hotline_inquiry_json(v_inq, v_con));
      if v_old_status = 'answered' then
        -- the row was locked when v_old_status was read, so this is the update's own decision
        ev_types := ev_types || 'inquiry.updated'::text;
        ev_payloads := ev_payloads || jsonb_build_object('inquiry', hotline_inquiry_json(v_inq, v_con), 'by', 'system:reopen',
          'change', jsonb_build_object('op', 'reopen', 'from', jsonb_build_object('status', v_old_status, 'dueAt', v_old_due),
                                       'to', jsonb_build_object('status', v_inq.status, 'dueAt', v_inq.due_at)));
        ev_inquiries := ev_inquiries || v_inq.id;
        ev_departments := ev_departments || v_inq.department;
      end if;
    end if;
    ev_inquiries := ev_inquiries || v_inq.id;
    ev_departments := ev_departments || v_inq.department;

    return query select r.idx, 'stored'::text, v_inq.id, v_inq.tracking_code, v_inq.status, v_inq.topic,
                        v_inq.priority, v_inq.department, v_inq.due_at, v_created;
  end loop;

  -- 3. Events last, so the seq-ordering lock is held as briefly as possible: new threads first, in
  --    item order, then the threaded ones.
  if v_created_ids is not null then
    perform pg_advisory_xact_lock(1022);
    insert into event (seq, type, inquiry_id, department, payload)
    select nextval('event_seq'), 'inquiry.created', u.i, u.d, u.p
    from unnest(v_created_ids, v_created_departments, v_created_payloads) with ordinality u(i, d, p, n)
    order by u.n;
    if coalesce(array_length(ev_types, 1), 0) = 0 then
      perform pg_notify('hotline_events', currval('event_seq')::text);
    end if;
  end if;
  perform hotline_append_events(ev_types, ev_inquiries, ev_departments, ev_payloads);
end
$$;
