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
 * The home page: who is signed in, the experiments, and links to the API, the status and logout.
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
            send(response, 200, page("Experiments", home(principal.get(), request.getContextPath())));
        } catch (dev.oidcsso.OidcSsoException e) {
            // The database is away (503): say so rather than show an empty, misleading list.
            response.setHeader("Retry-After", "5");
            send(response, e.status(), page("Temporarily unavailable", "<p>" + escape(e.getMessage()) + "</p>"));
        }
    }

    private String home(Principal user, String base) {
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
        if (experiments.isEmpty()) {
            html.append("<p>None yet. Create one with <code>POST ").append(escape(base)).append("/api/experiments</code>.</p>");
        } else {
            html.append("<ul>");
            for (Experiment experiment : experiments) {
                html.append("<li><a href=\"").append(escape(base)).append("/api/experiments/").append(escape(experiment.id())).append("\">")
                        .append(escape(experiment.name())).append("</a> <small>by ").append(escape(experiment.createdBy()))
                        .append("</small></li>");
            }
            html.append("</ul>");
        }
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

    private static String row(String label, String valueHtml) {
        return "<tr><th>" + label + "</th><td>" + valueHtml + "</td></tr>";
    }

    private static String page(String title, String bodyHtml) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + escape(title) + " | oidc-sso demo</title><style>"
                + "body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#222}"
                + "th{text-align:left;padding-right:1rem}.dev{background:#fff3cd;border:1px solid #e0a800;padding:.5rem}"
                + "</style></head><body><h1>oidc-sso demo: " + escape(title) + "</h1>" + bodyHtml + "</body></html>";
    }

    private static void send(HttpServletResponse response, int status, String html) throws IOException {
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("text/html;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
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
