package io.leadline.deploy.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Each overlay renders, loads into typed models without unknown fields, and matches kubectl kustomize. */
class OverlaysRenderTest {

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyDocumentLoadsIntoItsTypedModelWithoutUnknownFields(String overlay) {
        Manifests m = Overlays.load(overlay);
        for (HasMetadata item : m.items) {
            assertThat(UnknownFields.in(item)).as(item.getKind() + " " + item.getMetadata().getName()).isEmpty();
            boolean custom = item instanceof GenericKubernetesResource;
            assertThat(custom).as(item.getKind() + " is a typed model")
                    .isEqualTo(List.of("ExternalSecret", "Cluster", "Certificate", "Issuer").contains(item.getKind()));
        }
        String namespace = overlay.equals("prod") ? "leadline" : "leadline-dev";
        assertThat(m.get(Namespace.class, namespace)).isNotNull();
        m.items.stream().filter(i -> !(i instanceof Namespace))
                .forEach(i -> assertThat(i.getMetadata().getNamespace()).as(i.getKind() + " " + i.getMetadata().getName()).isEqualTo(namespace));
        for (String s : ServiceConfig.SERVICES) {
            assertThat(m.get(Deployment.class, s)).isNotNull();
            assertThat(m.get(Service.class, s)).isNotNull();
            assertThat(m.get(PodDisruptionBudget.class, s)).isNotNull();
        }
        assertThat(m.get(HorizontalPodAutoscaler.class, "notify-service")).isNotNull();
        assertThat(m.get(StatefulSet.class, "nats").getSpec().getReplicas()).isEqualTo(3);
        assertThat(m.get(Service.class, "nats-headless").getSpec().getClusterIP()).isEqualTo("None");
        assertThat(m.get(ConfigMap.class, "nats-config").getData().get("nats.conf"))
                .contains("nats://nats-0.nats-headless:6222", "nats://nats-1.nats-headless:6222",
                        "nats://nats-2.nats-headless:6222", "jetstream");
        assertThat(m.get(ConfigMap.class, "nats-config").getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/name", "nats").containsEntry("app.kubernetes.io/part-of", "leadline");
        Job provisioning = m.get(Job.class, "nats-provisioning");
        assertThat(provisioning.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("OnFailure");
        assertThat(provisioning.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .as("NatsSetup runs from a JVM image of leads-service")
                .isEqualTo(overlay.equals("prod") ? "leadline/leads-service:0.1.0-jvm" : "leadline/leads-service:dev");
        assertThat(m.get(Ingress.class, "leadline").getMetadata().getAnnotations())
                .containsEntry("nginx.ingress.kubernetes.io/proxy-read-timeout", "3600")
                .containsEntry("nginx.ingress.kubernetes.io/proxy-send-timeout", "3600");
        assertThat(m.get(NetworkPolicy.class, "default-deny").getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
    }

    @Test
    void aMisspeltFieldIsFound() {
        ObjectNode doc = Overlays.render("dev").stream()
                .filter(d -> d.path("kind").asText().equals("Deployment")).findFirst().orElseThrow();
        ObjectNode container = (ObjectNode) doc.at("/spec/template/spec/containers/0");
        container.set("readinesProbe", container.remove("readinessProbe"));
        HasMetadata typed = Manifests.load(List.of(doc)).items.get(0);
        assertThat(UnknownFields.in(typed)).containsExactly(".spec.template.spec.containers[0].readinesProbe");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void postgresIsAStatefulSetInDevAndCloudNativePgInProd(String overlay) {
        Manifests m = Overlays.load(overlay);
        if (overlay.equals("dev")) {
            assertThat(m.find(StatefulSet.class, "postgres")).isPresent();
            assertThat(m.custom("Cluster")).isEmpty();
            assertThat(m.find(Secret.class, "payments-webhooks")).isPresent();
        } else {
            assertThat(m.find(StatefulSet.class, "postgres")).isEmpty();
            assertThat(m.custom("Cluster").map(c -> c.getMetadata().getName()))
                    .containsExactlyInAnyOrder("leads-db", "payments-db", "notify-db");
            assertThat(m.find(Secret.class, "payments-webhooks")).as("prod secrets come from the store").isEmpty();
            assertThat(m.find(Secret.class, "jwt-signing-key")).as("no private key in the prod manifests").isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void natsUsersComeFromTheOverlayAndTheCertificateFromItsIssuer(String overlay) {
        Manifests m = Overlays.load(overlay);
        var certificate = m.custom("Certificate").filter(c -> c.getMetadata().getName().equals("nats-server")).findFirst().orElseThrow();
        Map<String, Object> issuer = certificate.get("spec", "issuerRef");
        if (overlay.equals("dev")) {
            assertThat(m.get(Secret.class, "nats-users").getStringData())
                    .containsOnlyKeys("leads", "payments", "notify", "provisioner")
                    .allSatisfy((user, password) -> assertThat(password).endsWith("-dev-only"));
            assertThat(issuer).containsEntry("kind", "Issuer").containsEntry("name", "nats-ca").containsEntry("group", "cert-manager.io");
            assertThat(m.custom("Issuer").map(i -> i.getMetadata().getName())).containsExactlyInAnyOrder("nats-selfsigned", "nats-ca");
        } else {
            assertThat(m.find(Secret.class, "nats-users")).as("prod secrets come from the store").isEmpty();
            assertThat(m.custom("ExternalSecret").map(e -> e.getMetadata().getName())).contains("nats-users");
            assertThat(issuer).containsEntry("kind", "ClusterIssuer").containsEntry("name", "leadline-internal-ca");
            assertThat(m.custom("Issuer")).as("prod issues from the cluster's CA").isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theRendererAgreesWithKubectlKustomize(String overlay) throws Exception {
        String kubectl = Overlays.kubectlKustomize(overlay);
        Assumptions.assumeTrue(kubectl != null, "kubectl is not installed: nothing to compare with");
        Map<String, JsonNode> ours = byId(Overlays.render(overlay));
        Map<String, JsonNode> theirs = byId(Kustomize.parseAll(kubectl));
        assertThat(ours.keySet()).isEqualTo(theirs.keySet());
        ours.forEach((id, doc) -> assertThat(doc).as(id).isEqualTo(theirs.get(id)));
    }

    /** kustomize wraps long base64 values of Secret data; the bytes are the same. */
    private static JsonNode normalized(ObjectNode doc) {
        ObjectNode copy = doc.deepCopy();
        if (copy.path("kind").asText().equals("Secret") && copy.get("data") instanceof ObjectNode data) {
            data.fieldNames().forEachRemaining(k -> data.put(k, data.get(k).asText().replaceAll("\\s", "")));
        }
        return copy;
    }

    private static Map<String, JsonNode> byId(List<ObjectNode> docs) {
        return docs.stream().collect(Collectors.toMap(
                d -> d.path("kind").asText() + "/" + d.path("metadata").path("namespace").asText() + "/"
                        + d.path("metadata").path("name").asText(),
                OverlaysRenderTest::normalized, (a, b) -> {
                    throw new AssertionError("duplicate " + a);
                }, TreeMap::new));
    }
}
