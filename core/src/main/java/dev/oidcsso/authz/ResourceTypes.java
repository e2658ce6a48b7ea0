package dev.oidcsso.authz;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The resource types an application declares. Grants, rules and decisions for any other type are
 * refused with a 400, so a typo in an API call does not silently create an unused grant.
 */
public final class ResourceTypes {

    private final Map<String, ResourceType> types;

    private ResourceTypes(Map<String, ResourceType> types) {
        this.types = types;
    }

    /**
     * Declares the application's resource types.
     *
     * @param names the types' names, for example {@code experiment} and {@code registered_model}
     * @return the declared types
     * @throws PermissionInputException when a name is not a valid type name
     * @throws IllegalArgumentException when no type or a type twice is given
     */
    public static ResourceTypes of(String... names) {
        return of(Arrays.stream(names).map(ResourceType::new).toList());
    }

    /**
     * Declares the application's resource types.
     *
     * @param declared the types
     * @return the declared types
     * @throws IllegalArgumentException when no type or a type twice is given
     */
    public static ResourceTypes of(List<ResourceType> declared) {
        if (declared.isEmpty()) {
            throw new IllegalArgumentException("declare at least one resource type");
        }
        Map<String, ResourceType> map = new LinkedHashMap<>();
        for (ResourceType type : declared) {
            if (map.put(type.name(), type) != null) {
                throw new IllegalArgumentException("resource type '" + type.name() + "' is declared twice");
            }
        }
        return new ResourceTypes(map);
    }

    /**
     * The declared type of this name.
     *
     * @param name a type's name, as received in a request
     * @return the type
     * @throws PermissionInputException (400) naming the declared types when the name is not one of them
     */
    public ResourceType require(String name) {
        ResourceType type = types.get(name);
        if (type == null) {
            throw new PermissionInputException("resource type '" + PermissionInputException.excerpt(name)
                    + "' is not declared; use one of " + String.join(", ", types.keySet()));
        }
        return type;
    }

    /**
     * Checks that a type is declared.
     *
     * @param type a type
     * @return the same type
     * @throws PermissionInputException (400) when it is not declared
     */
    public ResourceType require(ResourceType type) {
        return require(type.name());
    }

    /**
     * Whether a type is declared.
     *
     * @param name a type's name
     * @return true when declared
     */
    public boolean contains(String name) {
        return types.containsKey(name);
    }

    /**
     * Every declared type, in declaration order.
     *
     * @return the types
     */
    public List<ResourceType> all() {
        return List.copyOf(types.values());
    }

    @Override
    public String toString() {
        return "ResourceTypes" + types.keySet();
    }
}
