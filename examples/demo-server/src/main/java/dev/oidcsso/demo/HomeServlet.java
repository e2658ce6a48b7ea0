package dev.oidcsso.demo;

import dev.oidcsso.auth.Principal;
import dev.oidcsso.authz.PermissionEvaluator;
import dev.oidcsso.web.OidcSso;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The home page: who is signed in, the experiments, a form to create one, and links to the API, the
 * status and logout.
 * Mapped as the default servlet, so it also answers 404 for any other unknown path. Plain HTML with
 * inline styles and no external assets: it works offline and leaks nothing to a CDN.
 */
public final class HomeServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient ExperimentStore store;
    private final transient PermissionEvaluator evaluator;
    private final transient Optional<String> developmentIdp;

    /**
     * Creates the servlet.
     *
     * @param store          the experiments to show
     * @param evaluator      decides which experiments the user may see
     * @param developmentIdp the embedded development IdP's issuer, shown as a warning, or empty with a real IdP
     */
    public HomeServlet(ExperimentStore store, PermissionEvaluator evaluator, Optional<String> developmentIdp) {
        this.store = store;
        this.evaluator = evaluator;
        this.developmentIdp = developmentIdp;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (!path.isEmpty() && !path.equals("/")) {
            send(response, 404, page("Not found", "<p>There is no page at <code>" + escape(path) + "</code>.</p>"
                    + "<p><a href=\"" + escape(request.getContextPath()) + "/\">Home</a></p>"));
            return;
        }
        Optional<Principal> principal = ExperimentServlet.principal(request);
        if (principal.isEmpty()) {
            // The filter sends anonymous browsers to /login, so this only happens if the page is made public.
            send(response, 401, page("Not signed in", "<p><a href=\"login\">Sign in</a></p>"));
            return;
        }
        try {
            send(response, 200, page("Experiments", home(principal.get(), request.getContextPath(),
                    Optional.ofNullable(request.getParameter("created")))));
        } catch (dev.oidcsso.OidcSsoException e) {
            // The database is away (503): say so rather than show an empty, misleading list.
            response.setHeader("Retry-After", "5");
            send(response, e.status(), page("Temporarily unavailable", "<p>" + escape(e.getMessage()) + "</p>"));
        }
    }

    private String home(Principal user, String base, Optional<String> created) {
        StringBuilder html = new StringBuilder();
        developmentIdp.ifPresent(issuer -> html.append("<p class=\"dev\"><strong>DEVELOPMENT MODE:</strong> signed in through the "
                + "embedded test identity provider at <code>").append(escape(issuer)).append("</code>. Do not use it in production.</p>"));
        html.append("<h2>Signed in</h2><table>")
                .append(row("User", escape(user.username())))
                .append(row("Groups", user.groups().isEmpty() ? "<em>none</em>" : escape(String.join(", ", user.groups()))))
                .append(row("Administrator", user.admin() ? "yes" : "no"))
                .append(row("Signed in with", escape(user.method().wireName())))
                .append("</table>");
        List<Experiment> all = store.list();
        Set<String> readable = new HashSet<>(evaluator.readable(OidcSso.actor(user), DemoServer.EXPERIMENT,
                all.stream().map(Experiment::name).toList()));
        List<Experiment> experiments = all.stream().filter(experiment -> readable.contains(experiment.name())).toList();
        html.append("<h2>Experiments (").append(experiments.size()).append(")</h2>");
        // Only a name the user may read is repeated back: the parameter is the browser's, the list is ours.
        String done = created.filter(readable::contains)
                .map(name -> "Created experiment \u201c" + escape(name) + "\u201d; you may manage it.").orElse("");
        html.append("<p id=\"create-status\" class=\"status\" role=\"status\" aria-live=\"polite\">").append(done).append("</p>");
        if (experiments.isEmpty()) {
            html.append("<p id=\"no-experiments\">None yet: create one below.</p>");
        } else {
            html.append("<ul>");
            for (Experiment experiment : experiments) {
                html.append("<li><a href=\"").append(escape(base)).append("/api/experiments/").append(escape(experiment.id())).append("\">")
                        .append(escape(experiment.name())).append("</a> <small>by ").append(escape(experiment.createdBy()))
                        .append("</small></li>");
            }
            html.append("</ul>");
        }
        html.append(createForm(base));
        html.append("<h2>Links</h2><ul>")
                .append("<li><a id=\"oidc-ui\" href=\"").append(escape(base)).append("/oidc/ui/\">Access tokens")
                .append(user.admin() ? " and permissions" : "").append("</a> (generate a token for scripts")
                .append(user.admin() ? "; manage users, grants and rules" : "").append(")</li>")
                .append("<li><a href=\"").append(escape(base)).append("/api/experiments\">/api/experiments</a> (JSON)</li>")
                .append("<li><a href=\"").append(escape(base)).append("/auth/status\">/auth/status</a> (who you are, JSON)</li>")
                .append("<li><a href=\"").append(escape(base)).append("/logout\">Sign out</a></li>")
                .append("</ul>");
        return html.toString();
    }

    /**
     * The form sends JSON to the API with the session's CSRF token in a header (home.js), as
     * scripts do: a plain form post could carry neither, and the API takes nothing else.
     */
    private static String createForm(String base) {
        return "<form id=\"create-experiment\" class=\"panel\" data-api=\"" + escape(base) + "/api/experiments\">"
                + "<fieldset><legend>New experiment</legend>"
                + "<label for=\"experiment-name\">Name</label>"
                + "<input id=\"experiment-name\" name=\"name\" required maxlength=\"200\" autocomplete=\"off\" spellcheck=\"false\">"
                + "<label for=\"experiment-description\">Description <small>(optional)</small></label>"
                + "<input id=\"experiment-description\" name=\"description\" maxlength=\"5000\" autocomplete=\"off\">"
                + "<button type=\"submit\" id=\"experiment-create\">Create experiment</button>"
                + "</fieldset>"
                + "<noscript><p>Creating here needs JavaScript; without it, send <code>POST " + escape(base)
                + "/api/experiments</code> (see the demo's README).</p></noscript>"
                + "</form>";
    }

    private static String row(String label, String valueHtml) {
        return "<tr><th>" + label + "</th><td>" + valueHtml + "</td></tr>";
    }

    private static String page(String title, String bodyHtml) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + escape(title) + " | oidc-sso demo</title>"
                + "<link rel=\"icon\" href=\"favicon.ico\"><script src=\"home.js\" defer></script><style>"
                + "body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#222;"
                + "overflow-wrap:anywhere}"
                + "th{text-align:left;padding-right:1rem}.dev{background:#fff3cd;border:1px solid #e0a800;padding:.5rem}"
                + ".panel{background:#f4f6f8;border:1px solid #d5dbe1;border-radius:6px;padding:.75rem 1rem;margin:1rem 0}"
                + "fieldset{border:0;margin:0;padding:0;min-width:0}legend{font-weight:600;margin-bottom:.5rem}"
                + "label{display:block;font-weight:600;margin:.5rem 0 .2rem}"
                + "input,button{font:inherit;padding:.3rem .5rem;max-width:100%}input{width:24rem}"
                + "button{display:block;margin-top:.75rem;cursor:pointer}"
                + ".status:empty{display:none}.status{border-left:4px solid #1e6b34;background:#e9f5ec;padding:.25rem .75rem}"
                + ".status.error{border-left-color:#a4262c;background:#fbeaea;color:#a4262c}"
                + "</style></head><body><h1>oidc-sso demo: " + escape(title) + "</h1>" + bodyHtml + "</body></html>";
    }

    private static void send(HttpServletResponse response, int status, String html) throws IOException {
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("text/html;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Content-Security-Policy", "default-src 'none'; script-src 'self'; connect-src 'self'; img-src 'self'; "
                + "style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /**
     * Escapes text for HTML element content and double- or single-quoted attribute values.
     *
     * @param text any text
     * @return the escaped text
     */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
