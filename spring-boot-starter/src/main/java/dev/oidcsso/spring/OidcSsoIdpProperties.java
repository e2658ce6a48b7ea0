package dev.oidcsso.spring;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.oidcsso.spring.OidcSsoProperties.list;
import static dev.oidcsso.spring.OidcSsoProperties.put;

/**
 * One identity provider of {@code oidc-sso.providers.<name>.*}: each property is the per-IdP setting
 * of the same name ({@code oidc-sso.providers.staff.client-id} is {@code OIDC_STAFF_CLIENT_ID}). The
 * map's keys become {@code OIDC_PROVIDERS}, in the order the properties give them.
 */
public class OidcSsoIdpProperties {

    private String provider;
    private String discoveryUrl;
    private String clientId;
    private String clientSecret;
    private String clientAuthMethod;
    private String scope;
    private String groupsAttribute;
    private String groupDetectionPlugin;
    private List<String> groupName;
    private List<String> adminGroupName;
    private String identitySource;
    private List<String> usernameClaim;
    private String identityValidator;
    private String postLogoutRedirectUri;
    private List<String> audience;
    private String displayName;
    private List<String> emailDomains;
    private Map<String, String> settings = new LinkedHashMap<>();

    /** @return {@code OIDC_<IDP>_PROVIDER}, the provider profile */
    public String getProvider() {
        return provider;
    }

    /** @param provider the provider profile */
    public void setProvider(String provider) {
        this.provider = provider;
    }

    /** @return {@code OIDC_<IDP>_DISCOVERY_URL} */
    public String getDiscoveryUrl() {
        return discoveryUrl;
    }

    /** @param discoveryUrl the discovery URL */
    public void setDiscoveryUrl(String discoveryUrl) {
        this.discoveryUrl = discoveryUrl;
    }

    /** @return {@code OIDC_<IDP>_CLIENT_ID} */
    public String getClientId() {
        return clientId;
    }

    /** @param clientId the client id */
    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    /** @return {@code OIDC_<IDP>_CLIENT_SECRET} */
    public String getClientSecret() {
        return clientSecret;
    }

    /** @param clientSecret the client secret */
    public void setClientSecret(String clientSecret) {
        this.clientSecret = clientSecret;
    }

    /** @return {@code OIDC_<IDP>_CLIENT_AUTH_METHOD} */
    public String getClientAuthMethod() {
        return clientAuthMethod;
    }

    /** @param clientAuthMethod the client authentication method */
    public void setClientAuthMethod(String clientAuthMethod) {
        this.clientAuthMethod = clientAuthMethod;
    }

    /** @return {@code OIDC_<IDP>_SCOPE} */
    public String getScope() {
        return scope;
    }

    /** @param scope the scopes */
    public void setScope(String scope) {
        this.scope = scope;
    }

    /** @return {@code OIDC_<IDP>_GROUPS_ATTRIBUTE} */
    public String getGroupsAttribute() {
        return groupsAttribute;
    }

    /** @param groupsAttribute the groups claim path */
    public void setGroupsAttribute(String groupsAttribute) {
        this.groupsAttribute = groupsAttribute;
    }

    /** @return {@code OIDC_<IDP>_GROUP_DETECTION_PLUGIN} */
    public String getGroupDetectionPlugin() {
        return groupDetectionPlugin;
    }

    /** @param groupDetectionPlugin the group detector */
    public void setGroupDetectionPlugin(String groupDetectionPlugin) {
        this.groupDetectionPlugin = groupDetectionPlugin;
    }

    /** @return {@code OIDC_<IDP>_GROUP_NAME} */
    public List<String> getGroupName() {
        return groupName;
    }

    /** @param groupName the user groups */
    public void setGroupName(List<String> groupName) {
        this.groupName = groupName;
    }

    /** @return {@code OIDC_<IDP>_ADMIN_GROUP_NAME} */
    public List<String> getAdminGroupName() {
        return adminGroupName;
    }

    /** @param adminGroupName the admin groups */
    public void setAdminGroupName(List<String> adminGroupName) {
        this.adminGroupName = adminGroupName;
    }

    /** @return {@code OIDC_<IDP>_IDENTITY_SOURCE} */
    public String getIdentitySource() {
        return identitySource;
    }

    /** @param identitySource the identity source */
    public void setIdentitySource(String identitySource) {
        this.identitySource = identitySource;
    }

    /** @return {@code OIDC_<IDP>_USERNAME_CLAIM} */
    public List<String> getUsernameClaim() {
        return usernameClaim;
    }

    /** @param usernameClaim the user name claims */
    public void setUsernameClaim(List<String> usernameClaim) {
        this.usernameClaim = usernameClaim;
    }

    /** @return {@code OIDC_<IDP>_IDENTITY_VALIDATOR} */
    public String getIdentityValidator() {
        return identityValidator;
    }

    /** @param identityValidator the identity validator */
    public void setIdentityValidator(String identityValidator) {
        this.identityValidator = identityValidator;
    }

    /** @return {@code OIDC_<IDP>_POST_LOGOUT_REDIRECT_URI} */
    public String getPostLogoutRedirectUri() {
        return postLogoutRedirectUri;
    }

    /** @param postLogoutRedirectUri where the IdP sends the browser after logout */
    public void setPostLogoutRedirectUri(String postLogoutRedirectUri) {
        this.postLogoutRedirectUri = postLogoutRedirectUri;
    }

    /** @return {@code OIDC_<IDP>_AUDIENCE} */
    public List<String> getAudience() {
        return audience;
    }

    /** @param audience the bearer audiences */
    public void setAudience(List<String> audience) {
        this.audience = audience;
    }

    /** @return {@code OIDC_<IDP>_DISPLAY_NAME}, shown on the login chooser */
    public String getDisplayName() {
        return displayName;
    }

    /** @param displayName the name shown on the login chooser */
    public void setDisplayName(String displayName) {
        this.displayName = displayName;
    }

    /** @return {@code OIDC_<IDP>_EMAIL_DOMAINS} */
    public List<String> getEmailDomains() {
        return emailDomains;
    }

    /** @param emailDomains the e-mail domains whose login hint picks this IdP */
    public void setEmailDomains(List<String> emailDomains) {
        this.emailDomains = emailDomains;
    }

    /** @return any other setting of this IdP, by its name without the OIDC_ prefix ({@code okta-domain}) */
    public Map<String, String> getSettings() {
        return settings;
    }

    /** @param settings any other setting of this IdP */
    public void setSettings(Map<String, String> settings) {
        this.settings = settings;
    }

    /**
     * This IdP's settings under their per-IdP names.
     *
     * @param name the IdP's name (the map key)
     * @return {@code OIDC_<NAME>_...} names to values, only those set
     */
    Map<String, String> toSettings(String name) {
        String prefix = "OIDC_" + name.trim().toUpperCase(Locale.ROOT) + "_";
        Map<String, String> out = new LinkedHashMap<>();
        settings.forEach((key, value) -> put(out, prefix + OidcSsoProperties.canonical(key).replaceFirst("^OIDC_", ""), value));
        put(out, prefix + "PROVIDER", provider);
        put(out, prefix + "DISCOVERY_URL", discoveryUrl);
        put(out, prefix + "CLIENT_ID", clientId);
        put(out, prefix + "CLIENT_SECRET", clientSecret);
        put(out, prefix + "CLIENT_AUTH_METHOD", clientAuthMethod);
        put(out, prefix + "SCOPE", scope);
        put(out, prefix + "GROUPS_ATTRIBUTE", groupsAttribute);
        put(out, prefix + "GROUP_DETECTION_PLUGIN", groupDetectionPlugin);
        put(out, prefix + "GROUP_NAME", list(groupName));
        put(out, prefix + "ADMIN_GROUP_NAME", list(adminGroupName));
        put(out, prefix + "IDENTITY_SOURCE", identitySource);
        put(out, prefix + "USERNAME_CLAIM", list(usernameClaim));
        put(out, prefix + "IDENTITY_VALIDATOR", identityValidator);
        put(out, prefix + "POST_LOGOUT_REDIRECT_URI", postLogoutRedirectUri);
        put(out, prefix + "AUDIENCE", list(audience));
        put(out, prefix + "DISPLAY_NAME", displayName);
        put(out, prefix + "EMAIL_DOMAINS", list(emailDomains));
        return out;
    }

}
