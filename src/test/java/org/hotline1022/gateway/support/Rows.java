package org.hotline1022.gateway.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.hotline1022.gateway.store.DbEndpoint;

/**
 * Test rows written with plain JDBC from the test thread: contacts, inquiries, inbound and outbound
 * messages, outbox rows, as the writer and the agent reply command would leave them.
 */
public final class Rows implements AutoCloseable {
  private final Connection c;

  private Rows(Connection c) {
    this.c = c;
  }

  public static Rows open(DbEndpoint ep) throws SQLException {
    return new Rows(DriverManager.getConnection(ep.jdbcUrl(), ep.user(), ep.password()));
  }

  /**
   * A new inquiry with its own contact.
   *
   * @param dueIn a Postgres interval relative to now, e.g. {@code "-1 hour"}
   */
  public long inquiry(String channel, String department, String status, String dueIn) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("""
        with c as (insert into contact (channel, address, display_name) values (?, ?, 'Test') returning id)
        insert into inquiry (id, tracking_code, channel, contact_id, topic, priority, department, status, due_at,
                             created_at, updated_at, last_message_at)
        select nextval('inquiry_id_seq'), hotline_tracking_code(), ?, c.id, 'other', 'normal', ?, ?, now() + ?::interval,
               now() - interval '1 day', now(), now()
        from c returning id""")) {
      st.setString(1, channel);
      st.setString(2, "addr-" + UUID.randomUUID());
      st.setString(3, channel);
      st.setString(4, department);
      st.setString(5, status);
      st.setString(6, dueIn);
      return single(st);
    }
  }

  /** A citizen message in the inquiry; returns its id. */
  public long inbound(long inquiryId, String channel, String externalId) throws SQLException {
    return message(inquiryId, channel, externalId, "in", "câu hỏi");
  }

  /** An agent's answer and its outbox row, as the reply command commits them; returns the outbox id. */
  public long reply(long inquiryId, String channel, String text) throws SQLException {
    long messageId = message(inquiryId, channel, "out-" + UUID.randomUUID(), "out", text);
    try (PreparedStatement st = c.prepareStatement(
        "insert into outbox (message_id, inquiry_id, channel) values (?, ?, ?) returning id")) {
      st.setLong(1, messageId);
      st.setLong(2, inquiryId);
      st.setString(3, channel);
      return single(st);
    }
  }

  private long message(long inquiryId, String channel, String externalId, String direction, String text) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("""
        insert into message (inquiry_id, channel, external_id, direction, author, body, received_at)
        values (?, ?, ?, ?, case when ? = 'out' then 'agent-1' end, ?, now()) returning id""")) {
      st.setLong(1, inquiryId);
      st.setString(2, channel);
      st.setString(3, externalId);
      st.setString(4, direction);
      st.setString(5, direction);
      st.setString(6, text);
      return single(st);
    }
  }

  public long count(String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  public String string(String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  public void execute(String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static long single(PreparedStatement st) throws SQLException {
    try (ResultSet rs = st.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public void close() throws SQLException {
    c.close();
  }
}
