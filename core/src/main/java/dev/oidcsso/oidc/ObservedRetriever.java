package dev.oidcsso.oidc;

import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import dev.oidcsso.observe.SsoEvents;

import java.io.IOException;
import java.net.URL;

/** Reports each fetch of the signing keys: the key cache calls it only on a miss or a refresh. */
final class ObservedRetriever implements ResourceRetriever {

    private final ResourceRetriever retriever;
    private final SsoEvents events;

    ObservedRetriever(ResourceRetriever retriever, SsoEvents events) {
        this.retriever = retriever;
        this.events = events;
    }

    @Override
    public Resource retrieveResource(URL url) throws IOException {
        Resource resource;
        try {
            resource = retriever.retrieveResource(url);
        } catch (IOException | RuntimeException e) {
            events.providerFetch("jwks", "failure");
            throw e;
        }
        events.providerFetch("jwks", "success");
        return resource;
    }
}
