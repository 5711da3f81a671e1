-- Agents: search without diacritics, and the commands agents run on inquiries.

-- unaccent and pg_trgm are trusted extensions (PG 13+): the database owner may create them.
create extension if not exists unaccent;
create extension if not exists pg_trgm;

-- lower-case, diacritics removed (đ → d too), immutable so it can be indexed
create function hotline_fold(t text) returns text
language sql immutable parallel safe as $$
  select lower(public.unaccent('public.unaccent'::regdictionary, coalesce(t, '')))
$$;

-- No trigram index on message bodies: measured at ~340 µs per message at intake (unaccent + trigram
-- extraction + GIN insert), more than the rest of the ingest together. Agent search scans the
-- candidate inquiries' messages instead (bench/README.md).
-- contacts are not trigram-indexed: one anonymous contact per web form makes the table as large as
-- the inquiries, and the index cost every intake more than name searches are worth

-- One agent command, atomically: lock the inquiry, check scope and state, change it, store any
-- message (and outbox row for a reply), append the events. Errors carry stable SQLSTATEs:
-- HL400 bad request, HL404 unknown or out of the agent's scope, HL409 not allowed in this state.
create function hotline_command(op text, code text, agent text, agent_department text, args jsonb)
returns jsonb
language plpgsql as $$
declare
  i inquiry;
  c contact;
  m message;
  before jsonb;
  after jsonb;
  change_from jsonb := '{}';
  change_to jsonb := '{}';
  body text := nullif(btrim(coalesce(args->>'text', '')), '');
  ev_type text := 'inquiry.updated';
  ev_payload jsonb;
  prev_department text;
begin
  select * into i from inquiry where tracking_code = code for update;
  if not found or (agent_department is not null and i.department <> agent_department) then
    raise exception 'inquiry % not found', code using errcode = 'HL404';
  end if;
  if i.status = 'closed' and op <> 'note' then
    raise exception 'inquiry % is closed', code using errcode = 'HL409';
  end if;
  select * into c from contact where id = i.contact_id;
  prev_department := i.department;
  before := jsonb_build_object('status', i.status, 'assignee', i.assignee, 'department', i.department,
                               'topic', i.topic, 'priority', i.priority);

  if op = 'claim' then
    update inquiry set status = 'assigned', assignee = agent, updated_at = now(), version = version + 1
    where id = i.id returning * into i;
  elsif op = 'transfer' then
    if coalesce(args->>'department', '') = '' then
      raise exception 'department is required' using errcode = 'HL400';
    end if;
    if args->>'department' = i.department then
      raise exception 'already with %', i.department using errcode = 'HL409';
    end if;
    update inquiry set department = args->>'department', status = 'transferred', assignee = null,
                       updated_at = now(), version = version + 1
    where id = i.id returning * into i;
  elsif op = 'update' then
    update inquiry set topic = coalesce(args->>'topic', topic), priority = coalesce(args->>'priority', priority),
                       department = coalesce(args->>'department', department), updated_at = now(), version = version + 1
    where id = i.id returning * into i;
  elsif op = 'close' then
    update inquiry set status = 'closed', closed_at = now(), updated_at = now(), version = version + 1
    where id = i.id returning * into i;
  elsif op = 'reply' or op = 'note' then
    if body is null then
      raise exception 'text is required' using errcode = 'HL400';
    end if;
    insert into message (inquiry_id, channel, external_id, direction, author, body, received_at)
    values (i.id, i.channel, 'agent:' || gen_random_uuid(), case when op = 'reply' then 'out' else 'note' end,
            agent, body, now())
    returning * into m;
    if op = 'reply' then
      insert into outbox (message_id, inquiry_id, channel) values (m.id, i.id, i.channel);
      update inquiry set status = 'answered', assignee = coalesce(assignee, agent),
                         first_response_at = coalesce(first_response_at, now()), message_count = message_count + 1,
                         updated_at = now(), version = version + 1
      where id = i.id returning * into i;
    else
      update inquiry set message_count = message_count + 1, updated_at = now(), version = version + 1
      where id = i.id returning * into i;
    end if;
    ev_type := 'message.created';
  else
    raise exception 'unknown command %', op using errcode = 'HL400';
  end if;

  after := jsonb_build_object('status', i.status, 'assignee', i.assignee, 'department', i.department,
                              'topic', i.topic, 'priority', i.priority);
  select coalesce(jsonb_object_agg(k, before->k), '{}'), coalesce(jsonb_object_agg(k, after->k), '{}')
    into change_from, change_to
  from jsonb_object_keys(after) k where before->k is distinct from after->k;

  if ev_type = 'message.created' then
    ev_payload := jsonb_build_object('message', hotline_message_json(m, i.tracking_code),
                                     'inquiry', hotline_inquiry_json(i, c), 'by', agent);
  else
    ev_payload := jsonb_build_object('inquiry', hotline_inquiry_json(i, c), 'by', agent,
                                     'change', jsonb_build_object('op', op, 'from', change_from, 'to', change_to));
    if args ? 'reason' or args ? 'resolution' then
      ev_payload := ev_payload || jsonb_build_object('reason', coalesce(args->>'reason', args->>'resolution'));
    end if;
  end if;
  perform hotline_append_events(array[ev_type], array[i.id], array[i.department], array[ev_payload]);
  return jsonb_build_object('inquiry', hotline_inquiry_json(i, c), 'messageId', m.id, 'previousDepartment', prev_department);
end
$$;
