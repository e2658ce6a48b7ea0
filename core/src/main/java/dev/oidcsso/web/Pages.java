package dev.oidcsso.web;

/**
 * The few HTML pages the framework shows itself (errors, signed out). Every value put into a page
 * is escaped, since messages may quote what the IdP or the browser sent.
 */
public final class Pages {

    private Pages() {
    }

    /**
     * Escapes text for HTML element content and quoted attribute values.
     *
     * @param text the text
     * @return the escaped text
     */
    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * A page with a title, a message and one link.
     *
     * @param title    the title (plain text)
     * @param message  the message (plain text)
     * @param linkHref the link target (a same-site path or URL built by the framework)
     * @param linkText the link text (plain text)
     * @return the HTML document
     */
    public static String page(String title, String message, String linkHref, String linkText) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + escape(title) + "</title>"
                + "<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}"
                + "h1{font-size:1.4rem}a{color:#0b5cad}</style></head><body><main>"
                + "<h1>" + escape(title) + "</h1><p>" + escape(message) + "</p>"
                + "<p><a href=\"" + escape(linkHref) + "\">" + escape(linkText) + "</a></p>"
                + "</main></body></html>\n";
    }

    /**
     * A page with a title, a question and a button that POSTs a form with one hidden field (the
     * CSRF token): what a link may show, but only the user's click may do.
     *
     * @param title      the title (plain text)
     * @param message    the question (plain text)
     * @param action     the form's target (a same-site path built by the framework)
     * @param field      the hidden field's name
     * @param value      the hidden field's value
     * @param buttonText the button's text (plain text)
     * @return the HTML document
     */
    public static String confirm(String title, String message, String action, String field, String value, String buttonText) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + escape(title) + "</title>"
                + "<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}"
                + "h1{font-size:1.4rem}button{font-size:1rem;padding:.4rem 1rem}</style></head><body><main>"
                + "<h1>" + escape(title) + "</h1><p>" + escape(message) + "</p>"
                + "<form id=\"confirm\" method=\"post\" action=\"" + escape(action) + "\">"
                + "<input type=\"hidden\" name=\"" + escape(field) + "\" value=\"" + escape(value) + "\">"
                + "<button type=\"submit\">" + escape(buttonText) + "</button></form>"
                + "</main></body></html>\n";
    }

    /**
     * One button of the login chooser.
     *
     * @param label the IdP's display name (plain text)
     * @param href  where the button leads (a same-site path built by the framework)
     */
    public record Choice(String label, String href) {
    }

    /**
     * The login chooser: one link styled as a button per IdP, and optionally a form asking for the
     * e-mail address whose domain picks the IdP. Plain links and a GET form: no script needed.
     *
     * @param title      the title (plain text)
     * @param message    the text above the buttons (plain text)
     * @param choices    the IdPs
     * @param hintAction where the e-mail form is sent, or empty for no form
     * @param next       the same-site path to return to, carried by the form
     * @param hint       the address to fill in (plain text)
     * @return the HTML document
     */
    public static String chooser(String title, String message, java.util.List<Choice> choices, java.util.Optional<String> hintAction,
                                 String next, String hint) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + escape(title) + "</title>"
                + "<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}"
                + "h1{font-size:1.4rem}ul{list-style:none;padding:0}li{margin:.5rem 0}"
                + "a.idp{display:inline-block;min-width:16rem;padding:.5rem 1rem;border:1px solid #0b5cad;border-radius:4px;"
                + "color:#0b5cad;text-decoration:none}a.idp:hover,a.idp:focus{background:#0b5cad;color:#fff}"
                + "button,input{font-size:1rem;padding:.4rem}</style></head><body><main>"
                + "<h1>" + escape(title) + "</h1><p>" + escape(message) + "</p><ul id=\"idps\">");
        for (Choice choice : choices) {
            html.append("<li><a class=\"idp\" href=\"").append(escape(choice.href())).append("\">")
                    .append(escape(choice.label())).append("</a></li>");
        }
        html.append("</ul>");
        hintAction.ifPresent(action -> html.append("<form id=\"hint\" method=\"get\" action=\"").append(escape(action)).append("\">")
                .append("<p><label for=\"login_hint\">Or sign in with your e-mail address:</label></p>")
                .append("<input type=\"hidden\" name=\"next\" value=\"").append(escape(next)).append("\">")
                .append("<input id=\"login_hint\" type=\"email\" name=\"login_hint\" autocomplete=\"email\" value=\"")
                .append(escape(hint)).append("\"> <button type=\"submit\">Continue</button></form>"));
        return html.append("</main></body></html>\n").toString();
    }
}
