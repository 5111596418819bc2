package io.leadline.deploy.k8s;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Renders a kustomization the way {@code kustomize build} does, for the subset this repository uses:
 * {@code resources} (files and directories), {@code namespace}, {@code patches} (strategic-merge
 * files, or inline JSON 6902 with a target), {@code images} (newName/newTag) and ConfigMap/Secret
 * generators (files, literals, labels, annotations) with {@code disableNameSuffixHash}. Anything else fails loudly instead of being
 * rendered wrongly; {@code OverlaysRenderTest} compares the result with {@code kubectl kustomize}
 * where that exists.
 */
final class Kustomize {

    static final ObjectMapper YAML = new YAMLMapper();

    private static final Set<String> SUPPORTED = Set.of("apiVersion", "kind", "resources", "namespace", "patches",
            "images", "configMapGenerator", "secretGenerator", "generatorOptions");
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "CustomResourceDefinition", "PersistentVolume", "StorageClass", "PriorityClass", "ClusterSecretStore",
            "ClusterIssuer", "IngressClass");

    private Kustomize() {
    }

    static List<ObjectNode> build(Path dir) {
        JsonNode k = readOne(dir.resolve("kustomization.yaml"));
        k.fieldNames().forEachRemaining(name -> {
            if (!SUPPORTED.contains(name)) {
                throw new IllegalArgumentException(dir + ": kustomization field '" + name + "' is not supported here");
            }
        });
        List<ObjectNode> resources = new ArrayList<>();
        for (JsonNode entry : k.path("resources")) {
            Path p = dir.resolve(entry.asText()).normalize();
            resources.addAll(Files.isDirectory(p) ? build(p) : readAll(p));
        }
        boolean hashless = k.path("generatorOptions").path("disableNameSuffixHash").asBoolean(false);
        if ((k.has("configMapGenerator") || k.has("secretGenerator")) && !hashless) {
            throw new IllegalArgumentException(dir + ": generators need generatorOptions.disableNameSuffixHash here");
        }
        for (JsonNode g : k.path("configMapGenerator")) {
            resources.add(generated(dir, g, "ConfigMap", k.path("generatorOptions")));
        }
        for (JsonNode g : k.path("secretGenerator")) {
            resources.add(generated(dir, g, "Secret", k.path("generatorOptions")));
        }
        for (JsonNode patch : k.path("patches")) {
            applyPatch(dir, patch, resources);
        }
        for (JsonNode image : k.path("images")) {
            resources.forEach(r -> setImages(r, image));
        }
        if (k.hasNonNull("namespace")) {
            String ns = k.get("namespace").asText();
            for (ObjectNode r : resources) {
                if (!CLUSTER_SCOPED.contains(r.path("kind").asText())) {
                    ((ObjectNode) r.get("metadata")).put("namespace", ns);
                }
            }
        }
        return resources;
    }

    static List<ObjectNode> readAll(Path file) {
        try {
            return parseAll(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<ObjectNode> parseAll(String yaml) {
        try {
            List<ObjectNode> docs = new ArrayList<>();
            Iterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(new YAMLFactory().createParser(yaml));
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && doc.isObject() && !doc.isEmpty()) {
                    docs.add((ObjectNode) doc);
                }
            }
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode readOne(Path file) {
        List<ObjectNode> docs = readAll(file);
        if (docs.size() != 1) {
            throw new IllegalArgumentException(file + ": expected one document");
        }
        return docs.get(0);
    }

    private static ObjectNode generated(Path dir, JsonNode g, String kind, JsonNode options) {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.put("apiVersion", "v1").put("kind", kind);
        ObjectNode metadata = r.putObject("metadata");
        // labels and annotations of generatorOptions, then of the generator's own options
        for (String field : List.of("annotations", "labels")) {
            ObjectNode values = JsonNodeFactory.instance.objectNode();
            for (JsonNode source : List.of(options.path(field), g.path("options").path(field))) {
                source.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asText()));
            }
            if (!values.isEmpty()) {
                metadata.set(field, values);
            }
        }
        metadata.put("name", g.get("name").asText());
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        for (JsonNode f : g.path("files")) {
            String spec = f.asText();
            int eq = spec.indexOf('=');
            String key = eq < 0 ? Path.of(spec).getFileName().toString() : spec.substring(0, eq);
            Path source = dir.resolve(eq < 0 ? spec : spec.substring(eq + 1));
            try {
                byte[] bytes = Files.readAllBytes(source);
                data.put(key, kind.equals("Secret") ? Base64.getEncoder().encodeToString(bytes)
                        : new String(bytes, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        for (JsonNode l : g.path("literals")) {
            String[] kv = l.asText().split("=", 2);
            data.put(kv[0], kind.equals("Secret")
                    ? Base64.getEncoder().encodeToString(kv[1].getBytes(StandardCharsets.UTF_8)) : kv[1]);
        }
        r.set("data", data);
        if (kind.equals("Secret")) {
            r.put("type", g.path("type").asText("Opaque"));
        }
        return r;
    }

    private static void applyPatch(Path dir, JsonNode patch, List<ObjectNode> resources) {
        List<ObjectNode> docs;
        if (patch.has("path")) {
            docs = readAll(dir.resolve(patch.get("path").asText()));
        } else {
            JsonNode inline = parseInline(patch.get("patch").asText());
            if (inline.isArray()) {
                ObjectNode target = find(resources, patch.path("target").path("kind").asText(),
                        patch.path("target").path("name").asText(), dir);
                for (JsonNode op : inline) {
                    JsonPatch.apply(target, op);
                }
                return;
            }
            docs = List.of((ObjectNode) inline);
        }
        if (patch.has("target")) {
            throw new IllegalArgumentException(dir + ": strategic-merge patches with a target are not supported here");
        }
        for (ObjectNode doc : docs) {
            ObjectNode target = find(resources, doc.path("kind").asText(), doc.path("metadata").path("name").asText(), dir);
            StrategicMerge.merge(target, doc);
        }
    }

    private static JsonNode parseInline(String text) {
        try {
            return YAML.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode find(List<ObjectNode> resources, String kind, String name, Path dir) {
        return resources.stream()
                .filter(r -> r.path("kind").asText().equals(kind) && r.path("metadata").path("name").asText().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(dir + ": patch target " + kind + "/" + name + " not found"));
    }

    /** The images transformer: every {@code image} of a container or init container whose name matches. */
    private static void setImages(JsonNode node, JsonNode image) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if ((e.getKey().equals("containers") || e.getKey().equals("initContainers")) && e.getValue().isArray()) {
                    for (JsonNode c : e.getValue()) {
                        String current = c.path("image").asText();
                        if (!current.isEmpty() && imageName(current).equals(image.get("name").asText())) {
                            String name = image.path("newName").asText(imageName(current));
                            String tag = image.has("newTag") ? image.get("newTag").asText() : imageTag(current);
                            ((ObjectNode) c).put("image", tag == null ? name : name + ":" + tag);
                        }
                    }
                } else {
                    setImages(e.getValue(), image);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> setImages(n, image));
        }
    }

    static String imageName(String image) {
        int at = image.indexOf('@');
        String s = at < 0 ? image : image.substring(0, at);
        int colon = s.lastIndexOf(':');
        return colon > s.lastIndexOf('/') ? s.substring(0, colon) : s;
    }

    private static String imageTag(String image) {
        String name = imageName(image);
        return image.length() > name.length() && image.charAt(name.length()) == ':' ? image.substring(name.length() + 1) : null;
    }

    /** JSON 6902 add, replace and remove: the operations the overlays use. */
    static final class JsonPatch {

        private JsonPatch() {
        }

        static void apply(ObjectNode root, JsonNode op) {
            JsonPointer pointer = JsonPointer.compile(op.get("path").asText());
            JsonNode parent = root.at(pointer.head());
            String last = pointer.last().getMatchingProperty();
            String kind = op.get("op").asText();
            if (parent.isMissingNode()) {
                throw new IllegalArgumentException("patch path " + pointer + " has no parent");
            }
            switch (kind) {
                case "add", "replace" -> {
                    JsonNode value = op.get("value").deepCopy();
                    if (parent.isObject()) {
                        if (kind.equals("replace") && !parent.has(last)) {
                            throw new IllegalArgumentException("replace of missing " + pointer);
                        }
                        ((ObjectNode) parent).set(last, value);
                    } else if (parent.isArray()) {
                        ArrayNode array = (ArrayNode) parent;
                        if (last.equals("-")) {
                            array.add(value);
                        } else if (kind.equals("add")) {
                            array.insert(Integer.parseInt(last), value);
                        } else {
                            array.set(Integer.parseInt(last), value);
                        }
                    }
                }
                case "remove" -> {
                    if (parent.isObject()) {
                        if (((ObjectNode) parent).remove(last) == null) {
                            throw new IllegalArgumentException("remove of missing " + pointer);
                        }
                    } else {
                        ((ArrayNode) parent).remove(Integer.parseInt(last));
                    }
                }
                default -> throw new IllegalArgumentException("JSON patch op '" + kind + "' is not supported here");
            }
        }
    }
}
