package io.turngate.config.gateway;

/**
 * Where a resource was read from, for problem messages.
 *
 * @param file     the file as given (or a synthetic name for in-memory text, or the API server an object was read
 *                 from)
 * @param document 1-based index of the YAML document inside the file; 0 for an object that is not part of a file
 *                 (read from the Kubernetes API)
 * @param item     0-based index inside a {@code kind: List} document, or -1
 */
public record Origin(String file, int document, int item) {
    public Origin(String file, int document) {
        this(file, document, -1);
    }

    /** An object read from the Kubernetes API ({@code where}, e.g. {@code "kubernetes"}), not from a file. */
    public static Origin api(String where) {
        return new Origin(where, 0, -1);
    }

    /** The same document, item {@code i} of its {@code items} list. */
    public Origin item(int i) {
        return new Origin(file, document, i);
    }

    @Override
    public String toString() {
        if (document <= 0) {
            return file;
        }
        return file + " (document " + document + (item >= 0 ? ", items[" + item + "]" : "") + ")";
    }
}
