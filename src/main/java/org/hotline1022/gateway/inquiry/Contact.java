package org.hotline1022.gateway.inquiry;

import java.util.Objects;

/**
 * Who wrote, as the channel knows them: an E.164 phone number, a lower-cased e-mail address, a Zalo
 * user id or a Facebook PSID. The display name is what the citizen gave, possibly null. A web form
 * citizen may leave a phone and an e-mail as well; those travel in {@code phone}/{@code email}.
 */
public record Contact(String address, String displayName, String phone, String email) {
  public Contact {
    Objects.requireNonNull(address, "address");
  }

  public static Contact of(String address, String displayName) {
    return new Contact(address, displayName, null, null);
  }
}
