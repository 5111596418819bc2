package io.leadline.deploy.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Map;

/**
 * Kubernetes strategic merge, as far as the overlays need it: maps merge key by key, {@code null}
 * deletes, and the lists Kubernetes merges by key do so here too (containers, env, volumes by
 * {@code name}; volumeMounts by {@code mountPath}; container ports by {@code containerPort}, service
 * ports by {@code port}), in kustomize's order: the patch's items first, in the patch's order, then the
 * other items as they were; every other list is replaced. {@code $patch} directives are refused.
 */
final class StrategicMerge {

    private StrategicMerge() {
    }

    static void merge(ObjectNode target, JsonNode patch) {
        Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            String key = e.getKey();
            JsonNode value = e.getValue();
            if (key.startsWith("$")) {
                throw new IllegalArgumentException("strategic-merge directive " + key + " is not supported here");
            }
            JsonNode current = target.get(key);
            if (value.isNull()) {
                target.remove(key);
            } else if (value.isObject() && current != null && current.isObject()) {
                merge((ObjectNode) current, value);
            } else if (value.isArray() && current != null && current.isArray() && mergeKey(key, value) != null) {
                mergeList((ArrayNode) current, (ArrayNode) value, mergeKey(key, value));
            } else {
                target.set(key, value.deepCopy());
            }
        }
    }

    private static String mergeKey(String field, JsonNode items) {
        JsonNode first = items.size() > 0 ? items.get(0) : null;
        if (first == null || !first.isObject()) {
            return null;
        }
        return switch (field) {
            case "containers", "initContainers", "env", "volumes", "imagePullSecrets" -> "name";
            case "volumeMounts" -> "mountPath";
            case "ports" -> first.has("containerPort") ? "containerPort" : "port";
            default -> null;
        };
    }

    private static void mergeList(ArrayNode current, ArrayNode patch, String key) {
        ArrayNode merged = current.arrayNode();
        for (JsonNode item : patch) {
            JsonNode id = item.get(key);
            ObjectNode match = null;
            for (int i = 0; i < current.size(); i++) {
                JsonNode c = current.get(i);
                if (c.isObject() && id != null && id.equals(c.get(key))) {
                    match = (ObjectNode) c;
                    current.remove(i);
                    break;
                }
            }
            if (match == null) {
                merged.add(item.deepCopy());
            } else {
                merge(match, item);
                merged.add(match);
            }
        }
        merged.addAll(current);
        current.removeAll();
        current.addAll(merged);
    }
}
