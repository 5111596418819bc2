package io.leadline.deploy.k8s;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** One rendered overlay, every document loaded into fabric8's typed model (CRDs stay generic). */
final class Manifests {

    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    final List<HasMetadata> items;

    private Manifests(List<HasMetadata> items) {
        this.items = items;
    }

    static Manifests load(List<ObjectNode> documents) {
        List<HasMetadata> items = new ArrayList<>();
        for (ObjectNode doc : documents) {
            items.add(SERIALIZATION.unmarshal(doc.toString(), HasMetadata.class));
        }
        return new Manifests(items);
    }

    /** A deep copy, to break in a test without touching the loaded original. */
    Manifests copy() {
        List<HasMetadata> copies = new ArrayList<>();
        for (HasMetadata item : items) {
            copies.add(SERIALIZATION.unmarshal(SERIALIZATION.asJson(item), HasMetadata.class));
        }
        return new Manifests(copies);
    }

    <T extends HasMetadata> Stream<T> all(Class<T> type) {
        return items.stream().filter(type::isInstance).map(type::cast);
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).filter(i -> i.getMetadata().getName().equals(name)).findFirst();
    }

    <T extends HasMetadata> T get(Class<T> type, String name) {
        return find(type, name).orElseThrow(() -> new AssertionError(type.getSimpleName() + " " + name + " not rendered"));
    }

    Stream<GenericKubernetesResource> custom(String kind) {
        return all(GenericKubernetesResource.class).filter(r -> r.getKind().equals(kind));
    }

    Optional<Secret> secret(String name) {
        return find(Secret.class, name);
    }

    Optional<ConfigMap> configMap(String name) {
        return find(ConfigMap.class, name);
    }

    Optional<Service> service(String name) {
        return find(Service.class, name);
    }

    /** Deployments, StatefulSets and Jobs: what runs pods. */
    List<Workload> workloads() {
        List<Workload> result = new ArrayList<>();
        all(Deployment.class).forEach(d -> result.add(new Workload(d, d.getSpec().getTemplate())));
        all(StatefulSet.class).forEach(s -> result.add(new Workload(s, s.getSpec().getTemplate())));
        all(Job.class).forEach(j -> result.add(new Workload(j, j.getSpec().getTemplate())));
        return result;
    }

    record Workload(HasMetadata owner, PodTemplateSpec template) {
        String name() {
            return owner.getKind() + " " + owner.getMetadata().getName();
        }

        String namespace() {
            return owner.getMetadata().getNamespace();
        }
    }
}
