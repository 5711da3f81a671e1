package org.hotline1022.gateway.adapter.mail;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.util.Arrays;
import java.util.Objects;
import java.util.Properties;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.hotline1022.gateway.config.MailConfig;
import org.hotline1022.gateway.config.MailConfig.AfterCommit;

/**
 * The blocking Angus calls of a mailbox reader that are not reading: opening the connection (timeouts,
 * peek, TLS trust, the folder for processed mail) and the after-commit step. Called on the reader's
 * worker pool only.
 */
final class ImapSessions {
  private ImapSessions() {}

  /** An open connection and its folder. */
  record Open(IMAPStore store, IMAPFolder folder) {}

  static Open open(ImapUrl url, MailConfig config) throws MessagingException {
    Properties p = new Properties();
    String proto = url.protocol();
    p.setProperty("mail." + proto + ".connectiontimeout", Integer.toString(config.timeoutMs()));
    // a read may wait through a whole IDLE period before the renewal ends it
    p.setProperty("mail." + proto + ".timeout", Integer.toString(config.timeoutMs() + config.idleRenewSeconds() * 1000));
    p.setProperty("mail." + proto + ".writetimeout", Integer.toString(config.timeoutMs()));
    p.setProperty("mail." + proto + ".peek", "true"); // BODY.PEEK[]: reading never marks mail \Seen
    p.setProperty("mail." + proto + ".ssl.checkserveridentity", "true");
    if (url.tls() && !config.trustCaFile().isBlank()) {
      p.put("mail." + proto + ".ssl.socketFactory", TlsTrust.fromPem(config.trustCaFile()));
    }
    p.setProperty("mail.mime.address.strict", "false");
    IMAPStore s = (IMAPStore) Session.getInstance(p).getStore(proto);
    s.connect(url.host(), url.port(), url.user(), url.password());
    try {
      AfterCommit after = config.afterCommit();
      IMAPFolder f = (IMAPFolder) s.getFolder(url.folder());
      if (after.action() == AfterCommit.Action.MOVE) {
        Folder target = s.getFolder(after.folder());
        if (!target.exists() && !target.create(Folder.HOLDS_MESSAGES)) {
          throw new MessagingException("cannot create the folder for processed mail");
        }
      }
      // read-write only when committed mail is to be marked or moved
      f.open(after.action() == AfterCommit.Action.NONE ? Folder.READ_ONLY : Folder.READ_WRITE);
      return new Open(s, f);
    } catch (MessagingException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** Marks or moves the messages with these UIDs (committed and checkpointed by the caller). */
  static void afterCommit(Open open, AfterCommit after, long[] uids) throws MessagingException {
    if (after.action() == AfterCommit.Action.NONE) {
      return;
    }
    IMAPFolder f = open.folder();
    Message[] msgs = Arrays.stream(f.getMessagesByUID(uids)).filter(Objects::nonNull).toArray(Message[]::new);
    if (msgs.length == 0) {
      return;
    }
    if (after.action() == AfterCommit.Action.SEEN) {
      f.setFlags(msgs, new Flags(Flags.Flag.SEEN), true);
    } else if (open.store().hasCapability("MOVE")) {
      f.moveMessages(msgs, open.store().getFolder(after.folder()));
    } else {
      // COPY, then delete and expunge: a failure in between leaves a copy behind, never a loss
      f.copyMessages(msgs, open.store().getFolder(after.folder()));
      f.setFlags(msgs, new Flags(Flags.Flag.DELETED), true);
      f.expunge(msgs);
    }
  }
}
