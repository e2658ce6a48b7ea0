package dev.oidcsso.testing;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One HTML form of a page, with the values a browser would submit: its inputs' values, and for each
 * select the option marked selected or else the first. Submit it with {@link Browser#submit(HtmlForm)}.
 *
 * <pre>{@code
 * HtmlForm form = HtmlForm.parse(signInPage, "login").set("username", "alice").choose("role", "Admin");
 * Browser.Navigation after = browser.submit(form);
 * }</pre>
 */
public final class HtmlForm {

    private static final Pattern FORM = Pattern.compile("<form\\b([^>]*)>(.*?)</form>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern ATTRIBUTE = Pattern.compile("([a-zA-Z-]+)\\s*=\\s*\"([^\"]*)\"");
    private static final Pattern INPUT = Pattern.compile("<input\\b([^>]*)>", Pattern.CASE_INSENSITIVE);
    private static final Pattern SELECT = Pattern.compile("<select\\b([^>]*)>(.*?)</select>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern OPTION = Pattern.compile("<option\\b([^>]*)>(.*?)</option>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private final URI action;
    private final Map<String, String> fields = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> options = new LinkedHashMap<>();

    private HtmlForm(URI action) {
        this.action = action;
    }

    /**
     * Finds the form with the given id on a page.
     *
     * @param page the page
     * @param id the form's {@code id}
     * @return the form, its action resolved against the page's URI
     * @throws AssertionError when the page has no such form
     */
    public static HtmlForm parse(HttpResponse<String> page, String id) {
        Matcher form = FORM.matcher(page.body());
        while (form.find()) {
            Map<String, String> attributes = attributes(form.group(1));
            if (id.equals(attributes.get("id"))) {
                String action = attributes.get("action");
                HtmlForm result = new HtmlForm(action == null || action.isEmpty() ? page.uri() : page.uri().resolve(action));
                result.read(form.group(2));
                return result;
            }
        }
        throw new AssertionError("no form with id '" + id + "' on " + page.uri() + ":\n" + page.body());
    }

    /**
     * Types into a text field.
     *
     * @param name the field's name
     * @param value the value
     * @return this form
     */
    public HtmlForm set(String name, String value) {
        fields.put(name, value);
        return this;
    }

    /**
     * Picks the option of a select whose visible label starts with {@code label}.
     *
     * @param select the select's name
     * @param label the start of the option's label
     * @return this form
     * @throws AssertionError when no option has such a label
     */
    public HtmlForm choose(String select, String label) {
        String value = options.getOrDefault(select, Map.of()).entrySet().stream()
                .filter(e -> e.getKey().startsWith(label)).map(Map.Entry::getValue).findFirst()
                .orElseThrow(() -> new AssertionError("no option '" + label + "' in " + options.get(select)));
        fields.put(select, value);
        return this;
    }

    /** @return where the form is sent */
    public URI action() {
        return action;
    }

    /** @return the values a browser would send now, in page order */
    public Map<String, String> fields() {
        return new LinkedHashMap<>(fields);
    }

    private void read(String html) {
        Matcher input = INPUT.matcher(html);
        while (input.find()) {
            Map<String, String> attributes = attributes(input.group(1));
            if (attributes.containsKey("name")) {
                fields.put(attributes.get("name"), attributes.getOrDefault("value", ""));
            }
        }
        Matcher select = SELECT.matcher(html);
        while (select.find()) {
            String name = attributes(select.group(1)).get("name");
            Map<String, String> byLabel = new LinkedHashMap<>();
            String chosen = null;
            Matcher option = OPTION.matcher(select.group(2));
            while (option.find()) {
                Map<String, String> attributes = attributes(option.group(1));
                String value = attributes.get("value");
                byLabel.put(unescape(option.group(2).replaceAll("<[^>]*>", "").strip()), value);
                // Like a browser: the first option unless one is marked selected.
                if (chosen == null || option.group(1).contains(" selected")) {
                    chosen = value;
                }
            }
            options.put(name, byLabel);
            fields.put(name, chosen);
        }
    }

    private static Map<String, String> attributes(String text) {
        Map<String, String> attributes = new LinkedHashMap<>();
        Matcher matcher = ATTRIBUTE.matcher(text);
        while (matcher.find()) {
            attributes.put(matcher.group(1).toLowerCase(Locale.ROOT), unescape(matcher.group(2)));
        }
        return attributes;
    }

    private static String unescape(String html) {
        return html.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }
}
