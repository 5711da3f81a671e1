package org.hotline1022.gateway.store;

/** Column lists for reading the event log. */
public final class EventColumns {
  private EventColumns() {}

  /**
   * What the live feed and replays read (see stream.FeedEvent#of): the payload as the server's UTF-8
   * text, from which the frame is spliced without parsing and encoding it again (that was a fifth of
   * the gateway's CPU under webhook load), and the few fields the agents' filters need, picked out by
   * the server.
   */
  public static final String FEED = "seq, type, at, department, convert_to(payload::text, 'UTF8') as payload_utf8,"
      + " payload->'inquiry'->>'topic' as topic, payload->'inquiry'->>'status' as status,"
      + " payload->'inquiry'->>'priority' as priority, payload->'change'->'from'->>'department' as from_department";
}
