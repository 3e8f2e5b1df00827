package strom.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SQL script as the launcher reads it: {@code ${NAME}} placeholders substituted, then split
 * into statements on {@code ;}.
 *
 * <p>A {@code ;} ends a statement unless it is inside a single-quoted string ({@code ''} is an
 * escaped quote inside one), a back-quoted or double-quoted identifier, a {@code --} line comment
 * or a {@code /* ... *}{@code /} block comment. Pieces that hold only comments and white space are
 * dropped. {@code EXECUTE STATEMENT SET BEGIN ... END;} blocks are not understood (the launcher
 * groups INSERTs into one statement set by itself).
 */
final class SqlScript {

    /** One statement: the text as written (trimmed) and the same text without its comments. */
    record Statement(String text, String code, int line) {

        /** The first word of the code, upper-cased ("" when there is none). */
        String keyword() {
            Matcher m = FIRST_WORD.matcher(code);
            return m.lookingAt() ? m.group(1).toUpperCase(Locale.ROOT) : "";
        }
    }

    private static final Pattern FIRST_WORD = Pattern.compile("[\\s(]*([A-Za-z_]+)");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.-]*)}");

    private SqlScript() {}

    /** Replaces every {@code ${NAME}} with its value; a name without a value is an error. */
    static String substitute(String sql, Map<String, String> vars) {
        Matcher m = PLACEHOLDER.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = vars.get(name);
            if (value == null) {
                throw new IllegalArgumentException(
                        "the script uses ${" + name + "} but no --var " + name + "=... was given");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    static List<Statement> split(String sql) {
        List<Statement> statements = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        StringBuilder code = new StringBuilder();
        int line = 1;
        int startLine = 1;
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char ch = sql.charAt(i);
            char next = i + 1 < n ? sql.charAt(i + 1) : '\0';
            if (text.length() == 0 && Character.isWhitespace(ch)) {
                // leading white space of a statement: skip, so that its line number is right
                if (ch == '\n') {
                    line++;
                }
                i++;
                continue;
            }
            if (text.length() == 0) {
                startLine = line;
            }
            if (ch == '-' && next == '-') {
                int end = sql.indexOf('\n', i);
                end = end < 0 ? n : end;
                text.append(sql, i, end);
                code.append(' ');
                i = end;
            } else if (ch == '/' && next == '*') {
                int end = sql.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated /* comment at line " + line);
                }
                end += 2;
                String comment = sql.substring(i, end);
                line += count(comment, '\n');
                text.append(comment);
                code.append(' ');
                i = end;
            } else if (ch == '\'' || ch == '`' || ch == '"') {
                // a quoted string or identifier; a doubled quote inside is an escaped quote
                int j = i + 1;
                while (true) {
                    if (j >= n) {
                        throw new IllegalArgumentException(
                                "unterminated " + ch + " quote starting at line " + line);
                    }
                    if (sql.charAt(j) == ch) {
                        if (j + 1 < n && sql.charAt(j + 1) == ch) {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                String quoted = sql.substring(i, j + 1);
                line += count(quoted, '\n');
                text.append(quoted);
                code.append(quoted);
                i = j + 1;
            } else if (ch == ';') {
                add(statements, text, code, startLine);
                i++;
            } else {
                if (ch == '\n') {
                    line++;
                }
                text.append(ch);
                code.append(ch);
                i++;
            }
        }
        add(statements, text, code, startLine);
        return statements;
    }

    private static void add(List<Statement> out, StringBuilder text, StringBuilder code, int line) {
        String c = code.toString().trim();
        if (!c.isEmpty()) {
            out.add(new Statement(text.toString().trim(), c, line));
        }
        text.setLength(0);
        code.setLength(0);
    }

    private static int count(String s, char c) {
        int k = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                k++;
            }
        }
        return k;
    }
}
