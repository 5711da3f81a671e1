package org.hotline1022.gateway.inquiry;

import java.text.Normalizer;
import java.util.HashMap;
import java.util.Map;

/**
 * Folds citizen text to a matching form: lower case, no Vietnamese diacritics, đ → d, words separated
 * by single spaces, common chat abbreviations expanded. "Không khó thở", "khong kho tho" and
 * "ko kho tho" all fold to {@code "khong kho tho"}, so keyword lists are written once.
 *
 * <p>One linear pass after NFD; no regular expressions, so a 10k-character input costs microseconds.
 */
public final class TextNormalizer {
  private TextNormalizer() {}

  /** Inputs longer than this are cut before folding: bounded work on the event loop. */
  public static final int MAX_CHARS = 20_000;

  /** Token → expansion. Language-level shorthands only; business keywords live in conf/classifier.yaml. */
  private static final Map<String, String> ABBREVIATIONS = abbreviations();

  private static Map<String, String> abbreviations() {
    Map<String, String> m = new HashMap<>();
    for (String no : new String[] {"ko", "k", "kh", "khg", "kg0", "hok", "hong", "hem", "khum", "khong", "hk", "khog"}) {
      m.put(no, "khong");
    }
    for (String ok : new String[] {"dc", "dk", "duoc", "đc"}) m.put(ok, "duoc");
    m.put("xn", "xet nghiem");
    m.put("xnghiem", "xet nghiem");
    m.put("fo", "f0");
    m.put("ad", "admin");
    m.put("adm", "admin");
    m.put("sdt", "so dien thoai");
    m.put("dt", "dien thoai");
    m.put("bn", "benh nhan"); // "BN 1234" in official bulletins; "bao nhiêu" is rare enough in hotline use
    m.put("bv", "benh vien");
    m.put("bvdk", "benh vien da khoa");
    m.put("cmnd", "cccd");
    m.put("cmt", "cccd");
    m.put("cccd", "cccd");
    m.put("bs", "bac si");
    m.put("tyt", "tram y te");
    m.put("bhxh", "bao hiem xa hoi");
    m.put("bhyt", "bao hiem y te");
    m.put("bhtn", "bao hiem that nghiep");
    m.put("csgt", "canh sat giao thong");
    m.put("nq", "nghi quyet");
    m.put("qd", "quyet dinh");
    m.put("vx", "vac xin");
    m.put("vacxin", "vac xin");
    m.put("vaccin", "vac xin");
    m.put("vaccine", "vac xin");
    m.put("vacine", "vac xin");
    m.put("covid19", "covid");
    m.put("ncov", "covid");
    m.put("cov", "covid");
    m.put("mn", "moi nguoi");
    m.put("ng", "nguoi");
    m.put("ngta", "nguoi ta");
    m.put("e", "em");
    m.put("j", "gi");
    m.put("r", "roi");
    m.put("vs", "voi");
    m.put("bt", "binh thuong");
    m.put("tp", "thanh pho");
    m.put("tx", "thi xa");
    m.put("hcm", "ho chi minh");
    m.put("tphcm", "thanh pho ho chi minh");
    m.put("sg", "sai gon");
    m.put("hn", "ha noi");
    m.put("gd", "gia dinh");
    m.put("trc", "truoc");
    m.put("ntn", "nhu the nao");
    m.put("hs", "ho so");
    m.put("cty", "cong ty");
    m.put("ubnd", "ubnd");
    // more chat shorthands seen on Zalo/Facebook; only unambiguous ones (not "bh", "kb", "dg", "lm")
    m.put("ck", "chong");
    m.put("vk", "vo");
    m.put("mk", "minh");
    m.put("mik", "minh");
    m.put("hnay", "hom nay");
    m.put("hqua", "hom qua");
    m.put("bgio", "bao gio");
    m.put("bjo", "bao gio");
    m.put("bme", "bo me");
    m.put("nhiu", "nhieu");
    m.put("wa", "qua");
    m.put("cx", "cung");
    m.put("ktra", "kiem tra");
    m.put("tnan", "tai nan");
    m.put("ttyt", "trung tam y te");
    m.put("kbyt", "khai bao y te");
    m.put("mttq", "mat tran to quoc");
    m.put("pls", "please");
    m.put("plz", "please");
    // English contractions arrive without the apostrophe (it is dropped, not spaced)
    m.put("cant", "can not");
    m.put("cannot", "can not");
    m.put("couldnt", "could not");
    m.put("dont", "do not");
    m.put("doesnt", "does not");
    m.put("didnt", "did not");
    m.put("isnt", "is not");
    m.put("wont", "will not");
    m.put("im", "i am");
    return Map.copyOf(m);
  }

  /** Token that {@link #foldClauses} puts where punctuation ends a clause. */
  public static final String CLAUSE_BREAK = "|";

  /** The folded form of {@code text}; never null ("" for null or blank input). */
  public static String fold(String text) {
    return fold(text, false);
  }

  /**
   * Like {@link #fold}, but a {@link #CLAUSE_BREAK} token stands where , . ; : ! ? or a line break
   * ended a clause (not inside numbers such as "39,8"), so matching can keep phrases and negations
   * within one clause: "hết hàng, giá rau" is not "hàng giả", "ko sốt, khó thở" negates only "sốt".
   */
  public static String foldClauses(String text) {
    return fold(text, true);
  }

  private static String fold(String text, boolean clauses) {
    if (text == null || text.isEmpty()) return "";
    if (text.length() > MAX_CHARS) text = text.substring(0, MAX_CHARS);
    // NFD alone splits both precomposed (NFC) and decomposed input into base + marks, so NFC first is implied
    String nfd = Normalizer.normalize(text, Normalizer.Form.NFD);
    StringBuilder out = new StringBuilder(nfd.length() + 16);
    StringBuilder token = new StringBuilder(32);
    for (int i = 0, n = nfd.length(); i < n; i++) {
      char c = nfd.charAt(i);
      int type = Character.getType(c);
      if (type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK || type == Character.ENCLOSING_MARK) {
        continue;
      }
      if (c == 'đ' || c == 'Đ' || c == '\u00D0') c = 'd';
      if (c == '\'' || c == '\u2019') continue; // can't → cant
      if (Character.isLetterOrDigit(c)) {
        token.append(Character.toLowerCase(c));
      } else {
        boolean inNumber = token.length() > 0 && Character.isDigit(token.charAt(token.length() - 1))
            && i + 1 < n && Character.isDigit(nfd.charAt(i + 1));
        flush(token, out);
        if (clauses && !inNumber && isClauseMark(c)) breakClause(out);
      }
    }
    flush(token, out);
    int len = out.length();
    if (len >= 2 && out.charAt(len - 1) == '|') out.setLength(len - 2); // no trailing break
    return out.toString();
  }

  private static boolean isClauseMark(char c) {
    return switch (c) {
      case ',', '.', ';', ':', '!', '?', '\n', '\r', '\u2026', '(', ')', '[', ']' -> true;
      default -> false;
    };
  }

  private static void breakClause(StringBuilder out) {
    int len = out.length();
    if (len == 0 || out.charAt(len - 1) == '|') return; // no leading or repeated breaks
    out.append(" |");
  }

  private static void flush(StringBuilder token, StringBuilder out) {
    if (token.length() == 0) return;
    String raw = token.toString();
    String expanded = ABBREVIATIONS.get(raw); // first as typed: "cccd" has a legitimate triple letter
    if (expanded == null) {
      String t = squeeze(token);
      expanded = ABBREVIATIONS.getOrDefault(t, t);
    }
    if (out.length() > 0) out.append(' ');
    out.append(expanded);
    token.setLength(0);
  }

  /** Chat emphasis: "gấppppp" → "gap". A letter run of three or more collapses to one; digits stay. */
  private static String squeeze(CharSequence token) {
    int n = token.length();
    StringBuilder s = null;
    for (int i = 0; i < n; ) {
      char c = token.charAt(i);
      int j = i + 1;
      while (j < n && token.charAt(j) == c) j++;
      if (j - i >= 3 && Character.isLetter(c)) {
        if (s == null) s = new StringBuilder(n).append(token, 0, i);
        s.append(c);
      } else if (s != null) {
        s.append(token, i, j);
      }
      i = j;
    }
    return s == null ? token.toString() : s.toString();
  }
}
