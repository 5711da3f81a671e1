-- Phone calls (issue 6): one row per call, kept as the call progresses so any gateway process can
-- carry on a call another one started; callback attempts; and hotline_call_signals, the calls'
-- batch function (one call per writer batch, like hotline_ingest, which it does not replace).

-- One row per Call-ID at the PBX edge, whatever input reported it (HEP, dialog events, overflow UAS).
-- A step's time is set once (the earliest report wins); state is the furthest step seen.
create table phone_call (
  call_id      text primary key,
  caller       text,                     -- E.164 (ContactNormalizer), null when withheld or not a number
  caller_name  text,
  callee       text,
  sources      text[] not null default '{}',   -- hep, dialog, overflow
  state        text not null check (state in ('offered', 'ringing', 'answered', 'ended')),
  offered_at   timestamptz,
  ringing_at   timestamptz,
  answered_at  timestamptz,
  ended_at     timestamptz,
  cause        text check (cause in ('normalClearing', 'cancel', 'busy', 'noAnswer', 'rejected', 'notFound',
                                     'congestion', 'forwarded', 'unknown')),
  ring_ms      bigint,                   -- offered (or ringing) to answered, or to the end when unanswered
  talk_ms      bigint,                   -- answered to ended
  agent        text,                     -- who answered: extension or URI user part
  flagged      boolean not null default false,  -- closed by a sweeper (messages lost), not by signalling
  facts        jsonb,                    -- sipCode, byeFrom, ...: small, from a fixed vocabulary
  inquiry_id   bigint references inquiry(id),
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now()
);
-- the console's "calls now": every call not yet ended
create index phone_call_live on phone_call (offered_at) where state <> 'ended';
create index phone_call_by_inquiry on phone_call (inquiry_id) where inquiry_id is not null;

-- An agent's attempt to call a citizen back (the callback command).
create table callback_attempt (
  id          bigint generated always as identity primary key,
  inquiry_id  bigint not null references inquiry(id),
  agent       text not null,
  outcome     text not null check (outcome in ('reached', 'no_answer', 'busy', 'wrong_number')),
  note        text,
  at          timestamptz not null default now()
);
create index callback_attempt_by_inquiry on callback_attempt (inquiry_id, id);

-- The order of the steps: a signal for a step at or before the call's state only fills its time.
create function hotline_call_rank(step text) returns int
language sql immutable parallel safe as $$
  select case step when 'offered' then 1 when 'ringing' then 2 when 'answered' then 3 when 'ended' then 4 else 0 end
$$;

-- CallCause.needsCallback() (CallStoreIT keeps the two equal): the citizen did not get through.
create function hotline_call_needs_callback(cause text) returns boolean
language sql immutable parallel safe as $$
  select coalesce(cause in ('cancel', 'busy', 'noAnswer', 'congestion'), false)
$$;

-- The text of the message a call leaves in its inquiry (Vietnamese, shown to agents).
create function hotline_call_text(c phone_call, zone text) returns text
language sql stable as $$
  select case when c.answered_at is not null or c.cause = 'normalClearing' then 'Cuộc gọi đến' else
           case c.cause when 'cancel' then 'Cuộc gọi bị bỏ dở' else 'Cuộc gọi nhỡ' end end
    || ' từ ' || coalesce(c.caller, 'số ẩn') || coalesce(' (' || c.caller_name || ')', '')
    || ' lúc ' || to_char(coalesce(c.offered_at, c.ringing_at, c.answered_at, c.ended_at) at time zone zone, 'HH24:MI DD/MM/YYYY')
    || case
         when c.answered_at is not null or c.cause = 'normalClearing' then
           ', đã được trả lời' || coalesce(' (máy lẻ ' || c.agent || ')', '')
           || '. Ghi lại nội dung cuộc gọi bằng ghi chú và cập nhật chủ đề.'
         else ': ' || case c.cause
                        when 'cancel' then 'người gọi gác máy khi đang chờ'
                          || coalesce(' sau ' || round(c.ring_ms / 1000.0) || ' giây', '')
                        when 'busy' then 'tổng đài bận'
                        when 'noAnswer' then 'không có người nghe máy'
                        when 'congestion' then 'tổng đài quá tải'
                        else 'không kết nối được' end
              || '. Cần gọi lại cho người dân.'
       end
$$;

-- The call as agents see it in call.* events.
create function hotline_call_json(c phone_call, step text, source text, tracking_code text) returns jsonb
language sql stable as $$
  select jsonb_build_object(
    'callId', c.call_id, 'caller', c.caller, 'callee', c.callee, 'step', step, 'state', c.state,
    'cause', case when step = 'ended' then c.cause end, 'ringMs', c.ring_ms, 'talkMs', c.talk_ms, 'source', source,
    'flagged', c.flagged)
    || jsonb_strip_nulls(jsonb_build_object('callerName', c.caller_name, 'agent', c.agent, 'trackingCode', tracking_code,
                                            'inquiryId', c.inquiry_id))
$$;

-- one signal of a call batch, as the gateway encodes it (store/CallSignalEncoder)
create type hotline_call_item as (
  idx int, call_id text, step text, at timestamptz, caller text, caller_name text, callee text, cause text,
  source text, agent text, flagged boolean, facts jsonb, topic text, priority text, department text,
  due_at timestamptz, tracking_code text);

-- One call per batch of call signals, in the caller's transaction: upsert the call rows, append each
-- step's event once, and open or join the inquiry a call implies (sip.md §6):
--   ended and not through (cancel, busy, noAnswer, congestion) → a callback inquiry (status callback);
--     a further missed call from the same number within window_seconds joins the open one;
--   answered (or ended normalClearing, when the answer was not seen) → an inquiry with status new: the
--     number's open callback inquiry within the window if there is one (the call settles it), else a new one;
--   anything else → the call row and its events only.
-- Idempotent per (call_id, step): a replay, or the same step from another input, changes nothing but
-- the sources seen; a step that arrives after a later one (a restart mid-call, a slow input) fills its
-- time without an event. Calls and callers are serialized by advisory locks (sorted, so two batches
-- never deadlock), so two batches or two gateway processes reporting one call never both emit a step.
-- Outcome per item: stored (its step's event was appended), late (time filled, no event), duplicate.
create function hotline_call_signals(items jsonb, window_seconds int, zone text)
returns table (idx int, outcome text, inquiry_id bigint, tracking_code text, created boolean)
language plpgsql as $$
#variable_conflict use_column
declare
  v_items hotline_call_item[];
  v_idx int[];
  v_outcome text[];
  v_created text[] := '{}';
  r record;
  v_call phone_call;
  v_new boolean;
  v_con contact;
  v_inq inquiry;
  v_msg message;
  v_iid bigint;
  v_address text;
  ev_types text[] := '{}';
  ev_inquiries bigint[] := '{}';
  ev_departments text[] := '{}';
  ev_payloads jsonb[] := '{}';
  c_types text[];
  c_inquiries bigint[];
  c_departments text[];
  c_payloads jsonb[];
begin
  v_items := array(select x from jsonb_populate_recordset(null::hotline_call_item, items) x order by x.idx);
  if cardinality(v_items) = 0 then
    return;
  end if;

  -- 1. One batch at a time per call and per caller, across processes; keys in one order.
  perform pg_advisory_xact_lock(k.a, k.b)
  from (select distinct 1023 as a, hashtext(u.call_id) as b from unnest(v_items) u
        union
        select distinct 1024, hashtext(u.caller) from unnest(v_items) u where u.caller is not null
        order by 1, 2) k;

  -- 2. What each item adds to the row as committed (read after the locks) and the items before it.
  with s as (
    select u.idx, u.call_id, u.step, hotline_call_rank(u.step) as rk from unnest(v_items) u
  ), k as (
    select s.idx, s.rk,
           greatest(coalesce(hotline_call_rank(o.state), 0),
                    coalesce(max(s.rk) over (partition by s.call_id order by s.idx
                                             rows between unbounded preceding and 1 preceding), 0)) as before_rk,
           (case s.step when 'offered' then o.offered_at when 'ringing' then o.ringing_at
                        when 'answered' then o.answered_at else o.ended_at end) is not null
             or row_number() over (partition by s.call_id, s.step order by s.idx) > 1 as seen
    from s left join phone_call o on o.call_id = s.call_id
  )
  select array_agg(k.idx order by k.idx),
         array_agg(case when k.seen then 'duplicate' when k.rk > k.before_rk then 'stored' else 'late' end order by k.idx)
    into v_idx, v_outcome
  from k;

  -- 3. The rows, set-based: the batch's reports of each call merged with what is stored.
  with s as (
    select u.*, hotline_call_rank(u.step) as rk from unnest(v_items) u
  ), a as (
    select s.call_id,
           min(s.at) filter (where s.step = 'offered') as offered_at,
           min(s.at) filter (where s.step = 'ringing') as ringing_at,
           min(s.at) filter (where s.step = 'answered') as answered_at,
           min(s.at) filter (where s.step = 'ended') as ended_at,
           max(s.rk) as rk,
           (array_agg(s.caller order by s.idx) filter (where s.caller is not null))[1] as caller,
           (array_agg(s.caller_name order by s.idx) filter (where s.caller_name is not null))[1] as caller_name,
           (array_agg(s.callee order by s.idx) filter (where s.callee is not null))[1] as callee,
           (array_agg(s.agent order by s.step = 'answered' desc, s.idx) filter (where s.agent is not null))[1] as agent,
           -- a real cause beats 'unknown' (a sweeper's guess)
           (array_agg(s.cause order by s.cause = 'unknown', s.idx) filter (where s.step = 'ended'))[1] as cause,
           array_agg(distinct lower(s.source)) as sources,
           bool_or(coalesce(s.flagged, false)) as flagged
    from s group by s.call_id
  ), f as (
    select s.call_id, jsonb_object_agg(e.key, e.value order by s.idx) as facts
    from s cross join lateral jsonb_each(coalesce(s.facts, '{}'::jsonb)) e
    group by s.call_id
  ), m as (
    select a.call_id,
           coalesce(o.caller, a.caller) as caller,
           coalesce(o.caller_name, a.caller_name) as caller_name,
           coalesce(o.callee, a.callee) as callee,
           array(select distinct x from unnest(coalesce(o.sources, '{}') || a.sources) x order by x) as sources,
           (array['offered', 'ringing', 'answered', 'ended'])[greatest(coalesce(hotline_call_rank(o.state), 0), a.rk)] as state,
           least(o.offered_at, a.offered_at) as offered_at,
           least(o.ringing_at, a.ringing_at) as ringing_at,
           least(o.answered_at, a.answered_at) as answered_at,
           least(o.ended_at, a.ended_at) as ended_at,
           case when o.cause is not null and o.cause <> 'unknown' then o.cause else coalesce(a.cause, o.cause) end as cause,
           coalesce(o.agent, a.agent) as agent,
           coalesce(o.flagged, false) or a.flagged as flagged,
           case when o.facts is null and f.facts is null then null
                else coalesce(o.facts, '{}'::jsonb) || coalesce(f.facts, '{}'::jsonb) end as facts,
           o.inquiry_id
    from a left join phone_call o on o.call_id = a.call_id left join f on f.call_id = a.call_id
  )
  insert into phone_call as p (call_id, caller, caller_name, callee, sources, state, offered_at, ringing_at, answered_at,
                               ended_at, cause, ring_ms, talk_ms, agent, flagged, facts, inquiry_id, updated_at)
  select m.call_id, m.caller, m.caller_name, m.callee, m.sources, m.state, m.offered_at, m.ringing_at, m.answered_at,
         m.ended_at, m.cause,
         -- greatest() skips nulls: an unknown start must stay unknown, not become 0
         case when coalesce(m.answered_at, m.ended_at) is not null and coalesce(m.offered_at, m.ringing_at) is not null then
           greatest(0, (extract(epoch from coalesce(m.answered_at, m.ended_at) - coalesce(m.offered_at, m.ringing_at)) * 1000)::bigint) end,
         case when m.ended_at is not null and m.answered_at is not null then
           greatest(0, (extract(epoch from m.ended_at - m.answered_at) * 1000)::bigint) end,
         m.agent, m.flagged, m.facts, m.inquiry_id, now()
  from m
  on conflict (call_id) do update set
    caller = excluded.caller, caller_name = excluded.caller_name, callee = excluded.callee, sources = excluded.sources,
    state = excluded.state, offered_at = excluded.offered_at, ringing_at = excluded.ringing_at,
    answered_at = excluded.answered_at, ended_at = excluded.ended_at, cause = excluded.cause, ring_ms = excluded.ring_ms,
    talk_ms = excluded.talk_ms, agent = excluded.agent, flagged = excluded.flagged, facts = excluded.facts,
    updated_at = now();

  -- 4. Inquiries, call by call (a missed call may join the one before it, even in this batch).
  for r in
    select p.call_id, t.topic, t.priority, t.department, t.due_at, t.tracking_code,
           (p.answered_at is not null or p.cause = 'normalClearing') as answered
    from phone_call p
    cross join lateral (select x.topic, x.priority, x.department, x.due_at, x.tracking_code from unnest(v_items) x
                        where x.call_id = p.call_id order by hotline_call_rank(x.step) desc, x.idx limit 1) t
    where p.call_id in (select u.call_id from unnest(v_items) u) and p.inquiry_id is null
      and (p.answered_at is not null or p.cause = 'normalClearing'
           or (p.state = 'ended' and hotline_call_needs_callback(p.cause) and p.caller is not null))
    order by coalesce(p.ended_at, p.answered_at), p.call_id
  loop
    select * into v_call from phone_call p where p.call_id = r.call_id;
    v_address := coalesce(v_call.caller, 'anon:call:' || md5(v_call.call_id));
    select * into v_con from contact c where c.channel = 'phone' and c.address = v_address;
    if not found then
      insert into contact (channel, address, display_name) values ('phone', v_address, v_call.caller_name)
      on conflict (channel, address) do nothing returning * into v_con;
      if v_con.id is null then
        select * into v_con from contact c where c.channel = 'phone' and c.address = v_address;
      end if;
    elsif v_call.caller_name is not null and v_con.display_name is distinct from v_call.caller_name then
      update contact c set display_name = v_call.caller_name where c.id = v_con.id returning * into v_con;
    end if;

    -- a missed call joins its number's open callback inquiry; so does an answered one, which settles
    -- it (the citizen got through: back to 'new' for the agent who talked to them to complete)
    v_iid := null;
    if v_call.caller is not null and window_seconds > 0 then
      select i.id into v_iid from inquiry i
      where i.contact_id = v_con.id and i.channel = 'phone' and i.status = 'callback'
        and i.last_message_at >= coalesce(v_call.ended_at, now()) - make_interval(secs => window_seconds)
      order by i.last_message_at desc limit 1
      for update;
    end if;
    v_new := v_iid is null;
    if v_new then
      v_iid := nextval('inquiry_id_seq');
    end if;

    insert into message (inquiry_id, channel, external_id, direction, body, facts, received_at)
    values (v_iid, 'phone', v_call.call_id, 'in', hotline_call_text(v_call, zone),
            jsonb_strip_nulls(jsonb_build_object('callId', v_call.call_id, 'cause', v_call.cause, 'ringMs', v_call.ring_ms,
                                                 'talkMs', v_call.talk_ms, 'agent', v_call.agent)),
            coalesce(v_call.offered_at, v_call.ringing_at, v_call.answered_at, v_call.ended_at))
    returning * into v_msg;

    if v_new then
      insert into inquiry (id, tracking_code, channel, contact_id, thread_key, topic, priority, department, status, due_at,
                           created_at, updated_at, last_message_at, message_count)
      values (v_iid, coalesce(r.tracking_code, hotline_tracking_code()), 'phone', v_con.id, v_call.caller, r.topic,
              r.priority, r.department, case when r.answered then 'new' else 'callback' end, r.due_at, now(), now(),
              v_msg.received_at, 1)
      returning * into v_inq;
      ev_types := ev_types || 'inquiry.created'::text;
      ev_payloads := ev_payloads || jsonb_build_object('inquiry', hotline_inquiry_json(v_inq, v_con),
                                                      'message', hotline_message_json(v_msg, v_inq.tracking_code));
      v_created := v_created || v_call.call_id;
    else
      update inquiry i set last_message_at = greatest(i.last_message_at, v_msg.received_at), updated_at = now(),
                           message_count = i.message_count + 1, version = i.version + 1,
                           status = case when r.answered then 'new' else i.status end
      where i.id = v_iid returning * into v_inq;
      ev_types := ev_types || 'message.created'::text;
      ev_payloads := ev_payloads || jsonb_build_object('message', hotline_message_json(v_msg, v_inq.tracking_code),
                                                      'inquiry', hotline_inquiry_json(v_inq, v_con));
    end if;
    ev_inquiries := ev_inquiries || v_inq.id;
    ev_departments := ev_departments || v_inq.department;
    update phone_call p set inquiry_id = v_inq.id where p.call_id = v_call.call_id;
  end loop;

  -- an answered call's message learns its talk time when the call ends
  update message m set facts = coalesce(m.facts, '{}'::jsonb)
                               || jsonb_strip_nulls(jsonb_build_object('cause', p.cause, 'ringMs', p.ring_ms, 'talkMs', p.talk_ms))
  from phone_call p
  where p.call_id in (select u.call_id from unnest(v_items) u where u.step = 'ended') and p.inquiry_id is not null
    and m.channel = 'phone' and m.external_id = p.call_id
    and not (coalesce(m.facts, '{}'::jsonb) @> jsonb_strip_nulls(jsonb_build_object('cause', p.cause, 'talkMs', p.talk_ms)));

  -- 5. Events: the inquiries' first, then one per new step, in item order.
  select array_agg('call.' || u.step order by u.idx), array_agg(p.inquiry_id order by u.idx),
         array_agg(i.department order by u.idx),
         array_agg(hotline_call_json(p, u.step, lower(u.source), i.tracking_code)
                   || jsonb_build_object('stepAt', u.at) order by u.idx)
    into c_types, c_inquiries, c_departments, c_payloads
  from unnest(v_items) u
  join unnest(v_idx, v_outcome) k(idx, outcome) on k.idx = u.idx and k.outcome = 'stored'
  join phone_call p on p.call_id = u.call_id
  left join inquiry i on i.id = p.inquiry_id;
  if c_types is not null then
    ev_types := ev_types || c_types;
    ev_inquiries := ev_inquiries || c_inquiries;
    ev_departments := ev_departments || c_departments;
    ev_payloads := ev_payloads || c_payloads;
  end if;
  perform hotline_append_events(ev_types, ev_inquiries, ev_departments, ev_payloads);

  return query
  select k.idx, k.outcome, p.inquiry_id, i.tracking_code, p.call_id = any(v_created) and k.outcome <> 'duplicate'
  from unnest(v_items) u
  join unnest(v_idx, v_outcome) k(idx, outcome) on k.idx = u.idx
  join phone_call p on p.call_id = u.call_id
  left join inquiry i on i.id = p.inquiry_id;
end
$$;

-- The agent command `callback`, atomically like hotline_command (same SQLSTATEs: HL400, HL404,
-- HL409): records an attempt to call the citizen back and its outcome, and moves the inquiry on:
-- reached → assigned to the agent (a first response); wrong_number → closed; no_answer and busy
-- leave it as it is (a callback inquiry stays in the callback queue).
create function hotline_callback(code text, agent text, agent_department text, args jsonb)
returns jsonb
language plpgsql as $$
declare
  i inquiry;
  c contact;
  a callback_attempt;
  v_outcome text := args->>'outcome';
  v_note text := nullif(btrim(coalesce(args->>'note', '')), '');
  before jsonb;
  after jsonb;
  change_from jsonb;
  change_to jsonb;
  attempts int;
begin
  if v_outcome is null or v_outcome not in ('reached', 'no_answer', 'busy', 'wrong_number') then
    raise exception 'outcome must be reached, no_answer, busy or wrong_number' using errcode = 'HL400';
  end if;
  select * into i from inquiry where tracking_code = code for update;
  if not found or (agent_department is not null and i.department <> agent_department) then
    raise exception 'inquiry % not found', code using errcode = 'HL404';
  end if;
  if i.status = 'closed' then
    raise exception 'inquiry % is closed', code using errcode = 'HL409';
  end if;
  select * into c from contact where id = i.contact_id;
  if i.channel <> 'phone' and c.phone is null then
    raise exception 'inquiry % has no phone number to call back', code using errcode = 'HL409';
  end if;
  if i.channel = 'phone' and c.address like 'anon:%' then
    raise exception 'the caller of % withheld the number', code using errcode = 'HL409';
  end if;
  before := jsonb_build_object('status', i.status, 'assignee', i.assignee);

  insert into callback_attempt (inquiry_id, agent, outcome, note) values (i.id, agent, v_outcome, v_note) returning * into a;
  select count(*) into attempts from callback_attempt where inquiry_id = i.id;

  if v_outcome = 'reached' then
    update inquiry set status = 'assigned', assignee = agent, first_response_at = coalesce(first_response_at, now()),
                       updated_at = now(), version = version + 1
    where id = i.id returning * into i;
  elsif v_outcome = 'wrong_number' then
    update inquiry set status = 'closed', closed_at = now(), updated_at = now(), version = version + 1
    where id = i.id returning * into i;
  else
    update inquiry set updated_at = now(), version = version + 1 where id = i.id returning * into i;
  end if;

  after := jsonb_build_object('status', i.status, 'assignee', i.assignee);
  select coalesce(jsonb_object_agg(k, before->k), '{}'), coalesce(jsonb_object_agg(k, after->k), '{}')
    into change_from, change_to
  from jsonb_object_keys(after) k where before->k is distinct from after->k;

  perform hotline_append_events(array['callback.attempted'], array[i.id], array[i.department], array[
    jsonb_build_object('inquiry', hotline_inquiry_json(i, c), 'by', agent,
                       'attempt', jsonb_build_object('id', a.id, 'outcome', a.outcome, 'note', a.note, 'at', a.at,
                                                     'number', attempts),
                       'change', jsonb_build_object('op', 'callback', 'from', change_from, 'to', change_to))
    || case when v_outcome = 'wrong_number' then jsonb_build_object('reason', 'wrong_number') else '{}'::jsonb end]);
  return jsonb_build_object('inquiry', hotline_inquiry_json(i, c), 'attemptId', a.id, 'previousDepartment', i.department);
end
$$;
