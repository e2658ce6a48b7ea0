package dev.oidcsso.web;

import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.TestProvider;
import dev.oidcsso.testing.TestUser;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The same servlet filter in Tomcat 11, registered as the container expects it. */
class TomcatFilterLoginTest {

    @TempDir
    Path baseDir;
    TestProvider op;
    OidcSso sso;
    Tomcat tomcat;
    String base;

    @BeforeEach
    void start() throws Exception {
        op = TestProvider.start();
        op.user(TestUser.admin());
        sso = OidcSso.create(OidcSettings.builder().discoveryUrl(op.discoveryUrl().toString())
                .client(op.clientId(), op.clientSecret()).secretKey(JdkServerLoginTest.KEY).build());
        tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.getService().addConnector(connector);
        Context context = tomcat.addContext("/app", baseDir.toString());
        Tomcat.addServlet(context, "who", new JettyFilterLoginTest.WhoAmI()).addMapping("/*");
        FilterDef def = new FilterDef();
        def.setFilterName("oidc-sso");
        def.setFilter(new OidcSsoFilter(sso));
        context.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName("oidc-sso");
        map.addURLPattern("/*");
        context.addFilterMap(map);
        tomcat.start();
        base = "http://127.0.0.1:" + connector.getLocalPort() + "/app";
        op.registerRedirectUri(base + "/callback");
    }

    @AfterEach
    void stop() throws Exception {
        tomcat.stop();
        tomcat.destroy();
        sso.close();
        op.close();
    }

    @Test
    void loginThroughTomcat() {
        Browser browser = new Browser();
        browser.defaultHeader("Accept", "text/html");
        HttpResponse<String> page = browser.navigate(base + "/models").last();
        assertEquals(200, page.statusCode(), page.body());
        assertEquals("admin admin=true inGroup=false groups=[mlflow-admin]", page.body());
    }
}
