-- Random, unambiguous tracking codes: 1022-XXXX-XXXX in Crockford base32 (no I, L, O, U).
-- gen_random_uuid() is a CSPRNG; bytes 0-5 and 10-11 carry no version or variant bits, and
-- 256 % 32 = 0, so every character is uniform.
create function hotline_tracking_code() returns text
language sql volatile as $$
  select '1022-' || substr(c, 1, 4) || '-' || substr(c, 5, 4)
  from (select string_agg(substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', get_byte(b, i) % 32 + 1, 1), '' order by n) as c
        from (select uuid_send(gen_random_uuid()) as b) r,
             unnest(array[0, 1, 2, 3, 4, 5, 10, 11]) with ordinality as t(i, n)) x
$$;

-- Appends events in seq order (see the note on the event table) and wakes every listener once.
create function hotline_append_events(types text[], inquiry_ids bigint[], departments text[], payloads jsonb[])
returns bigint
language plpgsql as $$
declare
  last_seq bigint;
begin
  if coalesce(array_length(types, 1), 0) = 0 then
    return null;
  end if;
  perform pg_advisory_xact_lock(1022);
  insert into event (seq, type, inquiry_id, department, payload)
  select nextval('event_seq'), t, i, d, p
  from unnest(types, inquiry_ids, departments, payloads) with ordinality as u(t, i, d, p, n)
  order by n;
  last_seq := currval('event_seq');
  perform pg_notify('hotline_events', last_seq::text);
  return last_seq;
end
$$;

-- The inquiry as agents see it in inquiry.* events and lists.
create function hotline_inquiry_json(i inquiry, c contact) returns jsonb
language sql stable as $$
  select jsonb_build_object(
    'id', i.id, 'trackingCode', i.tracking_code, 'channel', i.channel, 'status', i.status,
    'topic', i.topic, 'priority', i.priority, 'department', i.department, 'assignee', i.assignee,
    'subject', i.subject, 'district', i.district, 'dueAt', i.due_at, 'createdAt', i.created_at,
    'updatedAt', i.updated_at, 'lastMessageAt', i.last_message_at, 'firstResponseAt', i.first_response_at,
    'closedAt', i.closed_at, 'messageCount', i.message_count, 'version', i.version,
    'contact', jsonb_build_object('address', c.address, 'name', c.display_name, 'phone', c.phone, 'email', c.email))
$$;

create function hotline_message_json(m message, tracking_code text) returns jsonb
language sql stable as $$
  select jsonb_build_object(
    'id', m.id, 'inquiryId', m.inquiry_id, 'trackingCode', tracking_code, 'channel', m.channel,
    'externalId', m.external_id, 'direction', m.direction, 'author', m.author, 'subject', m.subject,
    'text', m.body, 'attachments', coalesce(m.attachments, '[]'::jsonb), 'receivedAt', m.received_at)
$$;

-- One call per writer batch: dedupe, contact, threading, inquiry, message and events in the
-- caller's transaction, one round trip. Contacts that always open a new inquiry (web forms; any
-- channel with a zero threading window) are written set-based, one statement per table for the
-- whole batch; threaded channels go one by one, since each may join an open inquiry. Tracking codes
-- come drawn by the gateway (SecureRandom); hotline_tracking_code() is the fallback.
-- one submission of a writer batch, as the gateway encodes it
create type hotline_item as (
  idx int, channel text, external_id text, received_at timestamptz, address text, display_name text,
  phone text, email text, thread_key text, new_thread boolean, window_seconds int, district text,
  subject text, body text, attachments jsonb, facts jsonb, raw text, topic text, priority text,
  department text, due_at timestamptz, tracking_code text);

create function hotline_ingest(items jsonb)
returns table (idx int, outcome text, inquiry_id bigint, tracking_code text, status text, topic text,
               priority text, department text, due_at timestamptz, created boolean)
language plpgsql as $$
#variable_conflict use_column
declare
  r record;
  v_new hotline_item[];
  v_ids bigint[];
  v_iid bigint[];
  v_inquiry bigint;
  v_message message;
  v_inq inquiry;
  v_con contact;
  v_created boolean;
  ev_types text[] := '{}';
  ev_inquiries bigint[] := '{}';
  ev_departments text[] := '{}';
  ev_payloads jsonb[] := '{}';
begin
  -- 1. New threads, set-based. Each gets an inquiry id up front; the message insert is the dedupe
  --    gate: a replay (stored before, earlier in this batch, or by a concurrent batch) inserts
  --    nothing and is answered with the inquiry it already belongs to.
  v_new := array(select x from jsonb_populate_recordset(null::hotline_item, items) x where x.new_thread order by x.idx);
  if cardinality(v_new) > 0 then
    v_ids := array(select nextval('inquiry_id_seq') from generate_series(1, cardinality(v_new)));

    with m as (
      insert into message (inquiry_id, channel, external_id, direction, subject, body, attachments, facts, raw, received_at)
      select v_ids[u.ordinality], u.channel, u.external_id, 'in', u.subject, coalesce(u.body, ''), u.attachments, u.facts,
             u.raw, u.received_at
      from unnest(v_new) with ordinality u order by u.idx
      on conflict (channel, external_id) do nothing
      returning inquiry_id
    )
    select array_agg(m.inquiry_id order by m.inquiry_id) into v_iid from m;

    if v_iid is not null then
      insert into contact (channel, address, display_name, phone, email)
      select distinct on (u.channel, u.address) u.channel, u.address, u.display_name, u.phone, u.email
      from unnest(v_new) with ordinality u join unnest(v_iid) s(iid) on s.iid = v_ids[u.ordinality]
      order by u.channel, u.address, u.idx
      on conflict (channel, address) do nothing;

      insert into inquiry (id, tracking_code, channel, contact_id, thread_key, district, subject, topic, priority,
                           department, due_at, created_at, updated_at, last_message_at, message_count)
      select s.iid, coalesce(u.tracking_code, hotline_tracking_code()), u.channel, c.id, u.thread_key, u.district, u.subject,
             u.topic, u.priority, u.department, u.due_at, now(), now(), u.received_at, 1
      from unnest(v_new) with ordinality u join unnest(v_iid) s(iid) on s.iid = v_ids[u.ordinality]
      join contact c on c.channel = u.channel and c.address = u.address;
    end if;

    return query
    select u.idx, 'duplicate'::text, i.id, i.tracking_code, i.status, i.topic, i.priority, i.department, i.due_at, false
    from unnest(v_new) with ordinality u
    join message m on m.channel = u.channel and m.external_id = u.external_id
    join inquiry i on i.id = m.inquiry_id
    where i.id <> v_ids[u.ordinality];

    return query
    select u.idx, 'stored'::text, i.id, i.tracking_code, i.status, i.topic, i.priority, i.department, i.due_at, true
    from unnest(v_new) with ordinality u join inquiry i on i.id = v_ids[u.ordinality];
  end if;

  -- 2. Threaded channels, one by one: each may join an open inquiry of its contact.
  for r in select * from jsonb_populate_recordset(null::hotline_item, items) x where not x.new_thread order by x.idx loop
    select m.inquiry_id into v_inquiry from message m where m.channel = r.channel and m.external_id = r.external_id;
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
    if r.window_seconds > 0 then
      select i.id into v_inquiry from inquiry i
      where i.contact_id = v_con.id and i.channel = r.channel and i.status <> 'closed'
        and i.last_message_at >= r.received_at - make_interval(secs => r.window_seconds)
        and (r.thread_key is null or i.thread_key is not distinct from r.thread_key)
      order by i.last_message_at desc limit 1
      for update;
    end if;
    v_created := v_inquiry is null;
    if v_created then
      v_inquiry := nextval('inquiry_id_seq');
    end if;

    insert into message (inquiry_id, channel, external_id, direction, subject, body, attachments, facts, raw, received_at)
    values (v_inquiry, r.channel, r.external_id, 'in', r.subject, coalesce(r.body, ''), r.attachments, r.facts, r.raw, r.received_at)
    on conflict (channel, external_id) do nothing
    returning * into v_message;
    if v_message.id is null then
      return query select r.idx, 'duplicate'::text, i.id, i.tracking_code, i.status, i.topic, i.priority,
                          i.department, i.due_at, false
                   from message m join inquiry i on i.id = m.inquiry_id
                   where m.channel = r.channel and m.external_id = r.external_id;
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
      update inquiry i set last_message_at = greatest(i.last_message_at, r.received_at), updated_at = now(),
                           message_count = i.message_count + 1, version = i.version + 1,
                           status = case when i.status = 'answered' then case when i.assignee is null then 'new' else 'assigned' end
                                         else i.status end
      where i.id = v_inquiry returning * into v_inq;
      ev_types := ev_types || 'message.created'::text;
      ev_payloads := ev_payloads || jsonb_build_object('message', hotline_message_json(v_message, v_inq.tracking_code),
                                                      'inquiry', hotline_inquiry_json(v_inq, v_con));
    end if;
    ev_inquiries := ev_inquiries || v_inq.id;
    ev_departments := ev_departments || v_inq.department;

    return query select r.idx, 'stored'::text, v_inq.id, v_inq.tracking_code, v_inq.status, v_inq.topic,
                        v_inq.priority, v_inq.department, v_inq.due_at, v_created;
  end loop;

  -- 3. Events last, so the seq-ordering lock is held as briefly as possible: new threads first, in
  --    item order, then the threaded ones.
  if v_iid is not null or coalesce(array_length(ev_types, 1), 0) > 0 then
    perform pg_advisory_xact_lock(1022);
  end if;
  if v_iid is not null then
    insert into event (seq, type, inquiry_id, department, payload)
    select nextval('event_seq'), 'inquiry.created', i.id, i.department,
           jsonb_build_object('inquiry', hotline_inquiry_json(i, c), 'message', hotline_message_json(m, i.tracking_code))
    from unnest(v_iid) with ordinality u(iid, n)
    join inquiry i on i.id = u.iid
    join contact c on c.id = i.contact_id
    join message m on m.inquiry_id = i.id
    order by u.n;
    if coalesce(array_length(ev_types, 1), 0) = 0 then
      perform pg_notify('hotline_events', currval('event_seq')::text);
    end if;
  end if;
  perform hotline_append_events(ev_types, ev_inquiries, ev_departments, ev_payloads);
end
$$;
