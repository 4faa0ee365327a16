package io.turngate.config.gateway;

/**
 * Where a resource was read from, for problem messages.
 *
 * @param file     the file as given (or a synthetic name for in-memory text)
 * @param document 1-based index of the YAML document inside the file
 * @param item     0-based index inside a {@code kind: List} document, or -1
 */
public record Origin(String file, int document, int item) {
    public Origin(String file, int document) {
        this(file, document, -1);
    }

    /** The same document, item {@code i} of its {@code items} list. */
    public Origin item(int i) {
        return new Origin(file, document, i);
    }

    @Override
    public String toString() {
        return file + " (document " + document + (item >= 0 ? ", items[" + item + "]" : "") + ")";
    }
}
