package strom.bench;

import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code count_char(s STRING, c STRING) -> BIGINT NOT NULL}: how many times {@code c} occurs in
 * {@code s}. Meant for a one-character {@code c}, where it is the number of characters of
 * {@code s} equal to it. Edge cases, chosen here and mirrored by the benchmark's Strom side:
 *
 * <ul>
 *   <li>{@code s} null gives 0;
 *   <li>{@code c} null or empty gives 0;
 *   <li>a longer {@code c} counts its non-overlapping occurrences as a substring, left to right
 *       ({@code count_char('aaaa', 'aa') = 2}); for one character this is the same as above.
 * </ul>
 *
 * <p>Characters are UTF-16 code units, as in Java and JavaScript strings.
 */
public class CountChar extends ScalarFunction {

    public long eval(String s, String c) {
        if (s == null || c == null || c.isEmpty()) {
            return 0L;
        }
        long count = 0;
        if (c.length() == 1) {
            char ch = c.charAt(0);
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) == ch) {
                    count++;
                }
            }
            return count;
        }
        int from = 0;
        while (true) {
            int at = s.indexOf(c, from);
            if (at < 0) {
                return count;
            }
            count++;
            from = at + c.length();
        }
    }
}
