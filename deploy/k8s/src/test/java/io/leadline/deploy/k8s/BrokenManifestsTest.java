package io.leadline.deploy.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Break one thing in a loaded overlay and the checker names exactly that problem. */
class BrokenManifestsTest {

    private static Manifests dev;
    private static Manifests prod;
    private static Map<String, ServiceConfig> services;

    @BeforeAll
    static void load() {
        dev = Overlays.load("dev");
        prod = Overlays.load("prod");
        services = Overlays.serviceConfigs();
    }

    private static List<String> problems(Manifests m) {
        return ManifestChecker.check(m, services);
    }

    private static Container container(Manifests m, String deployment) {
        return m.get(Deployment.class, deployment).getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static EnvVar env(Manifests m, String deployment, String name) {
        return container(m, deployment).getEnv().stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aContainerPortThatIsNotTheServicesHttpPort() {
        Manifests m = dev.copy();
        container(m, "notify-service").getPorts().get(0).setContainerPort(8090);
        assertThat(problems(m)).containsExactly(
                "Deployment notify-service: container port http is 8090 but quarkus.http.port is 8080");
    }

    @Test
    void aProbePathThatQuarkusDoesNotServe() {
        Manifests m = prod.copy();
        container(m, "leads-service").getReadinessProbe().getHttpGet().setPath("/health/ready");
        assertThat(problems(m)).containsExactly(
                "Deployment leads-service: readinessProbe path is /health/ready, expected /q/health/ready");
    }

    @Test
    void aProbeOnAPortTheContainerDoesNotHave() {
        Manifests m = dev.copy();
        container(m, "payments-service").getLivenessProbe().getHttpGet().setPort(new IntOrString("management"));
        assertThat(problems(m)).containsExactly(
                "Deployment payments-service: livenessProbe port management is not a port of the container");
    }

    @Test
    void aSecretNameThatNothingMakes() {
        Manifests m = prod.copy();
        env(m, "payments-service", "LEADLINE_STRIPE_WEBHOOK_SECRET").getValueFrom().getSecretKeyRef().setName("payment-webhooks");
        assertThat(problems(m)).containsExactly(
                "Deployment payments-service: env LEADLINE_STRIPE_WEBHOOK_SECRET refers to Secret payment-webhooks, which does not exist");
    }

    @Test
    void aSecretWithoutTheReferencedKey() {
        Manifests m = dev.copy();
        m.get(Secret.class, "leadline-admin").getStringData().remove("password");
        assertThat(problems(m)).containsExactly(
                "Deployment leads-service: env LEADLINE_ADMIN_PASSWORD refers to key password of Secret leadline-admin, which has no such key");
    }

    @Test
    void anEnvironmentVariableTheServiceDoesNotRead() {
        Manifests m = dev.copy();
        env(m, "leads-service", "LEADS_DB_PASSWORD").setName("LEADS_DB_PASS");
        assertThat(problems(m)).containsExactly(
                "Deployment leads-service: env LEADS_DB_PASS is not read by leads-service's application.properties");
    }

    @Test
    void aServiceSelectorThatMatchesNoPod() {
        Manifests m = dev.copy();
        m.get(Service.class, "leads-service").getSpec().setSelector(Map.of("app.kubernetes.io/name", "leads"));
        assertThat(problems(m)).containsExactly("Service leads-service selects no pods");
    }

    @Test
    void anAutoscalerAimedAtNothing() {
        Manifests m = prod.copy();
        m.get(HorizontalPodAutoscaler.class, "notify-service").getSpec().getScaleTargetRef().setName("notify");
        assertThat(problems(m)).containsExactly(
                "HorizontalPodAutoscaler notify-service targets Deployment notify, which does not exist");
    }

    @Test
    void theGatewayMustAllowTheIngressHostAsOrigin() {
        Manifests m = prod.copy();
        m.get(ConfigMap.class, "leadline-config").getData().put("LEADLINE_ALLOWED_ORIGINS", "https://app.example.com");
        assertThat(problems(m)).containsExactly("Ingress leadline: https://leadline.example.com serves /ws but is not "
                + "in notify-service's LEADLINE_ALLOWED_ORIGINS");
    }

    @Test
    void withoutThePolicyToNatsNoServiceReachesIt() {
        Manifests m = dev.copy();
        m.items.remove(m.get(NetworkPolicy.class, "nats-clients"));
        assertThat(problems(m)).containsExactlyInAnyOrder(
                "Deployment leads-service cannot reach NATS (tls://nats:4222) on 4222: egress denied",
                "Deployment payments-service cannot reach NATS (tls://nats:4222) on 4222: egress denied",
                "Deployment notify-service cannot reach NATS (tls://nats:4222) on 4222: egress denied");
    }

    @Test
    void aDatabasePolicyForTheWrongServiceIsCaught() {
        Manifests m = prod.copy();
        m.get(NetworkPolicy.class, "notify-db").getSpec().getIngress().get(0).getFrom().get(0).getPodSelector()
                .setMatchLabels(Map.of("app.kubernetes.io/name", "leads-service"));
        assertThat(problems(m)).containsExactly(
                "Deployment notify-service cannot reach its database notify-db on 5432: ingress denied");
    }

    @Test
    void theIngressControllerIsLetInOnTheHttpPortOnly() {
        Manifests m = dev.copy();
        m.get(NetworkPolicy.class, "notify-service-http").getSpec().getIngress().get(0).getPorts().get(0)
                .setPort(new IntOrString("metrics"));
        assertThat(problems(m)).containsExactly(
                "the ingress controller cannot reach Service notify-service on 8080: ingress denied");
    }
}
