package dev.oidcsso.store;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One bounded slice of a list the store keeps in order, and where the next slice starts. A cursor
 * is the sort key of the last item returned (keyset paging), so reading page N costs the same as
 * reading page 1 and a row added meanwhile never shifts an item onto two pages.
 *
 * @param items the items, in the list's order, at most the limit asked for
 * @param next  the key after which the next page starts, or empty when this page is the last
 * @param <T>   the item type
 */
public record Page<T>(List<T> items, Optional<List<String>> next) {

    /**
     * Copies the items.
     *
     * @param items the items
     * @param next  the next page's key
     */
    public Page {
        items = List.copyOf(items);
        next = next.map(List::copyOf);
    }

    /**
     * The page of the first {@code limit} items of a list one item longer than a page when a next
     * page exists: the store reads {@code limit + 1} rows to learn whether there is more.
     *
     * @param rows  up to {@code limit + 1} items, in order
     * @param limit the page size
     * @param key   the sort key of an item
     * @param <T>   the item type
     * @return the page
     */
    public static <T> Page<T> of(List<T> rows, int limit, Function<T, List<String>> key) {
        if (rows.size() <= limit) {
            return new Page<>(rows, Optional.empty());
        }
        List<T> items = rows.subList(0, limit);
        return new Page<>(items, Optional.of(key.apply(items.get(limit - 1))));
    }
}
