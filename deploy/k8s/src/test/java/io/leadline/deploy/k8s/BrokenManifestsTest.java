package io.leadline.deploy.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPathBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
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
        container(m, "payments-service").getLivenessProbe().getHttpGet().setPort(new IntOrString("health"));
        assertThat(problems(m)).containsExactly(
                "Deployment payments-service: livenessProbe port health is not a port of the container");
    }

    // --- the management port: /q/* (health, metrics, OpenAPI) only there, never routed by the Ingress ----------

    @Test
    void aProbeOnThePublicPort() {
        Manifests m = prod.copy();
        container(m, "leads-service").getReadinessProbe().getHttpGet().setPort(new IntOrString("http"));
        assertThat(problems(m)).containsExactly("Deployment leads-service: readinessProbe is on port http (8081), but "
                + "/q/health/ready is served on quarkus.management.port 9081");
    }

    @Test
    void aManagementContainerPortThatIsNotTheServicesManagementPort() {
        Manifests m = dev.copy();
        container(m, "payments-service").getPorts().stream().filter(p -> p.getName().equals("management")).findFirst()
                .orElseThrow().setContainerPort(9000);
        // the probes and the NetworkPolicy name the port, so they follow it to 9000, where nothing listens
        assertThat(problems(m)).containsExactly(
                "Deployment payments-service: container port management is 9000 but quarkus.management.port is 9082",
                "Deployment payments-service: startupProbe is on port management (9000), but /q/health/started is served "
                        + "on quarkus.management.port 9082",
                "Deployment payments-service: readinessProbe is on port management (9000), but /q/health/ready is served "
                        + "on quarkus.management.port 9082",
                "Deployment payments-service: livenessProbe is on port management (9000), but /q/health/live is served "
                        + "on quarkus.management.port 9082",
                "Prometheus (namespace monitoring) cannot reach payments-service's management port 9082 (/q/metrics): "
                        + "ingress denied");
    }

    @Test
    void scrapeAnnotationsOnThePublicPort() {
        Manifests m = dev.copy();
        m.get(Deployment.class, "notify-service").getSpec().getTemplate().getMetadata().getAnnotations()
                .put("prometheus.io/port", "8080");
        assertThat(problems(m)).containsExactly(
                "Deployment notify-service: prometheus.io/port is 8080, but /q/metrics is served on quarkus.management.port 9080");
    }

    @Test
    void aServiceMonitorOnThePublicPort() {
        Manifests m = prod.copy();
        m.get(Deployment.class, "leads-service").getSpec().getTemplate().getMetadata().getAnnotations().clear();
        m.items.add(serviceMonitor(m, "leads-service", "http"));
        assertThat(problems(m)).containsExactly("Deployment leads-service: ServiceMonitor leads-service scrapes port http (8081), "
                + "but /q/metrics is served on quarkus.management.port 9081");
    }

    @Test
    void aServiceMonitorOnTheManagementPortIsEnough() {
        Manifests m = prod.copy();
        m.get(Deployment.class, "leads-service").getSpec().getTemplate().getMetadata().getAnnotations().clear();
        assertThat(problems(m)).containsExactly("Deployment leads-service: /q/metrics is not scraped (prometheus.io "
                + "annotations, or a PodMonitor or ServiceMonitor, on quarkus.management.port 9081)");
        m.get(Service.class, "leads-service").getSpec().getPorts()
                .add(new ServicePortBuilder().withName("management").withPort(9081).withNewTargetPort("management").build());
        m.items.add(serviceMonitor(m, "leads-service", "management"));
        assertThat(problems(m)).isEmpty();
    }

    private static GenericKubernetesResource serviceMonitor(Manifests m, String service, String port) {
        return new GenericKubernetesResourceBuilder().withApiVersion("monitoring.coreos.com/v1").withKind("ServiceMonitor")
                .withNewMetadata().withName(service).withNamespace(m.get(Service.class, service).getMetadata().getNamespace())
                .endMetadata()
                .withAdditionalProperties(Map.of("spec", Map.of(
                        "selector", Map.of("matchLabels", Map.of("app.kubernetes.io/name", service)),
                        "endpoints", List.of(Map.of("port", port, "path", "/q/metrics")))))
                .build();
    }

    @Test
    void anIngressToTheManagementPort() {
        Manifests m = dev.copy();
        // a Service port for the management interface (for a ServiceMonitor) is fine on its own
        m.get(Service.class, "notify-service").getSpec().getPorts()
                .add(new ServicePortBuilder().withName("management").withPort(9080).withNewTargetPort("management").build());
        assertThat(problems(m)).isEmpty();
        m.get(Ingress.class, "leadline").getSpec().getRules().get(0).getHttp().getPaths().add(0, new HTTPIngressPathBuilder()
                .withPath("/q").withPathType("Prefix").withNewBackend().withNewService().withName("notify-service")
                .withNewPort().withName("management").endPort().endService().endBackend().build());
        assertThat(problems(m)).containsExactly("Ingress leadline: leadline.localtest.me/q routes to Service notify-service "
                + "port management, the management port 9080 of notify-service (health, metrics and OpenAPI stay inside the cluster)");
    }

    @Test
    void theIngressControllerLetInOnTheManagementPort() {
        Manifests m = prod.copy();
        m.get(NetworkPolicy.class, "notify-service-http").getSpec().getIngress().get(0).getPorts()
                .add(new NetworkPolicyPortBuilder().withProtocol("TCP").withNewPort("management").build());
        assertThat(problems(m)).containsExactly(
                "the ingress controller can reach notify-service's management port 9080; it is let in on the http port (8080) only");
    }

    @Test
    void monitoringAllowedToTheHttpPortOnly() {
        Manifests m = dev.copy();
        m.get(NetworkPolicy.class, "payments-service-http").getSpec().getIngress().get(1).getPorts().get(0)
                .setPort(new IntOrString("http"));
        assertThat(problems(m)).containsExactly("Prometheus (namespace monitoring) reaches payments-service on its http port "
                + "(8082) but not on its management port (9082), where /q/metrics is served");
    }

    @Test
    void monitoringAllowedToEveryPort() {
        Manifests m = prod.copy();
        m.get(NetworkPolicy.class, "leads-service-http").getSpec().getIngress().get(1).setPorts(List.of());
        assertThat(problems(m)).containsExactly("Prometheus (namespace monitoring) reaches leads-service on its http port "
                + "(8081) too; it needs only the management port (9081)");
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
        m.get(Secret.class, "leadline-admin").getData().remove("password");
        assertThat(problems(m)).containsExactly(
                "Deployment leads-service: env LEADLINE_ADMIN_PASSWORD refers to key password of Secret leadline-admin, which has no such key");
    }

    // --- secrets: never a value the services' dev and test profiles publish (DevValueGuard refuses it) ----------

    private static void putSecret(Manifests m, String secret, String key, String value) {
        m.get(Secret.class, secret).getData().put(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anOverlayShippingThePublishedStripeWebhookSecret() {
        Manifests m = dev.copy();
        putSecret(m, "payments-webhooks", "stripe", "whsec_leadline_dev_only");
        assertThat(problems(m)).containsExactly("Deployment payments-service: LEADLINE_STRIPE_WEBHOOK_SECRET (key stripe of "
                + "Secret payments-webhooks) has the value the dev and test profiles give leadline.payments.webhook.stripe-secret, "
                + "published with the code; outside them payments-service refuses to start");
    }

    @Test
    void thePublishedAdminPasswordIsRefusedAsTheGuardComparesIt() {
        Manifests m = dev.copy();
        putSecret(m, "leadline-admin", "password", "Admin-Dev-Password\n");
        assertThat(problems(m)).containsExactly("Deployment leads-service: LEADLINE_ADMIN_PASSWORD (key password of "
                + "Secret leadline-admin) has the value the dev and test profiles give leadline.admin.password, "
                + "published with the code; outside them leads-service refuses to start");
    }

    @Test
    void aPublishedRazorpaySecretSetInTheDeploymentItself() {
        Manifests m = prod.copy();
        env(m, "payments-service", "LEADLINE_RAZORPAY_WEBHOOK_SECRET").setValueFrom(null);
        env(m, "payments-service", "LEADLINE_RAZORPAY_WEBHOOK_SECRET").setValue("razorpay_leadline_dev_only");
        assertThat(problems(m)).containsExactly("Deployment payments-service: LEADLINE_RAZORPAY_WEBHOOK_SECRET (its value "
                + "in the Deployment) has the value the dev and test profiles give leadline.payments.webhook.razorpay-secret, "
                + "published with the code; outside them payments-service refuses to start");
    }

    @Test
    void keyGenerationInThePodsIsADevValueOfEveryService() {
        Manifests m = prod.copy();
        m.get(ConfigMap.class, "leadline-config").getData().put("LEADLINE_JWT_GENERATE", "true");
        // notify-service does not list leadline.secrets.dev-only: the guard's default names key generation
        assertThat(problems(m)).containsExactlyInAnyOrder(
                "Deployment leads-service: LEADLINE_JWT_GENERATE must be false (keys come from the cluster)",
                "Deployment payments-service: LEADLINE_JWT_GENERATE must be false (keys come from the cluster)",
                "Deployment notify-service: LEADLINE_JWT_GENERATE must be false (keys come from the cluster)",
                "Deployment leads-service: LEADLINE_JWT_GENERATE (ConfigMap leadline-config) has the value the dev and test "
                        + "profiles give leadline.jwt.generate-if-missing, published with the code; outside them leads-service "
                        + "refuses to start",
                "Deployment payments-service: LEADLINE_JWT_GENERATE (ConfigMap leadline-config) has the value the dev and "
                        + "test profiles give leadline.jwt.generate-if-missing, published with the code; outside them "
                        + "payments-service refuses to start",
                "Deployment notify-service: LEADLINE_JWT_GENERATE (ConfigMap leadline-config) has the value the dev and test "
                        + "profiles give leadline.jwt.generate-if-missing, published with the code; outside them notify-service "
                        + "refuses to start");
    }

    // --- sign-in throttling: X-Forwarded-For believed from the ingress controller's pod network only ----------

    @Test
    void theBasePlaceholderForTrustedProxiesLeftInAnOverlay() {
        Manifests m = prod.copy();
        env(m, "leads-service", "LEADLINE_TRUSTED_PROXIES").setValue("192.0.2.0/24");
        assertThat(problems(m)).containsExactly("Deployment leads-service: LEADLINE_TRUSTED_PROXIES is still the placeholder "
                + "192.0.2.0/24 (a documentation range): set the ingress controller's pod network");
    }

    @Test
    void trustedProxiesThatTrustEveryAddress() {
        Manifests m = dev.copy();
        env(m, "leads-service", "LEADLINE_TRUSTED_PROXIES").setValue("10.244.0.0/16, 0.0.0.0/0");
        assertThat(problems(m)).containsExactly("Deployment leads-service: LEADLINE_TRUSTED_PROXIES trusts 0.0.0.0/0, beyond "
                + "the private networks pods live in: clients there could choose the address they are counted under (set the "
                + "ingress controller's pod network)");
    }

    @Test
    void withoutTrustedProxiesEveryClientIsTheIngressController() {
        Manifests m = dev.copy();
        container(m, "leads-service").getEnv().remove(env(m, "leads-service", "LEADLINE_TRUSTED_PROXIES"));
        assertThat(problems(m)).containsExactly("Deployment leads-service: LEADLINE_TRUSTED_PROXIES is not set, so behind "
                + "the Ingress every client counts as the ingress controller (set it to the controller's pod network)");
    }

    @Test
    void anotherClustersPodNetworksAreAccepted() {
        Manifests m = prod.copy();
        env(m, "leads-service", "LEADLINE_TRUSTED_PROXIES").setValue("172.20.0.0/16,100.64.0.0/16,fd00:10:244::/56,10.1.2.3");
        assertThat(problems(m)).isEmpty();
        env(m, "leads-service", "LEADLINE_TRUSTED_PROXIES").setValue("ingress-nginx-controller");
        assertThat(problems(m)).containsExactly("Deployment leads-service: LEADLINE_TRUSTED_PROXIES lists "
                + "ingress-nginx-controller, which is not an address or a CIDR");
    }

    @Test
    void aBareIpv6ProxyAddressIsRefused() {
        Manifests m = prod.copy();
        env(m, "leads-service", "LEADLINE_TRUSTED_PROXIES").setValue("10.244.0.0/16,fd00::1");
        assertThat(problems(m)).containsExactly("Deployment leads-service: LEADLINE_TRUSTED_PROXIES lists fd00::1 "
                + "without a prefix: Quarkus reads a bare IPv6 address as host:port and looks it up on every request "
                + "(write fd00::1/128)");
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
    void withoutThePolicyToNatsNoClientReachesIt() {
        Manifests m = dev.copy();
        m.items.remove(m.get(NetworkPolicy.class, "nats-clients"));
        assertThat(problems(m)).containsExactlyInAnyOrder(
                "Deployment leads-service cannot reach NATS (tls://nats:4222) on 4222: egress denied",
                "Deployment payments-service cannot reach NATS (tls://nats:4222) on 4222: egress denied",
                "Deployment notify-service cannot reach NATS (tls://nats:4222) on 4222: egress denied",
                "Job nats-provisioning cannot reach NATS (tls://nats:4222) on 4222: egress denied");
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

    // --- NATS: credentials, TLS, provisioning, who reaches it -----------------------------------------------

    private static Job job(Manifests m) {
        return m.get(Job.class, "nats-provisioning");
    }

    private static List<String> jobCommand(Manifests m) {
        return job(m).getSpec().getTemplate().getSpec().getContainers().get(0).getCommand();
    }

    private static void setOption(List<String> command, String option, String value) {
        command.set(command.indexOf(option) + 1, value);
    }

    private static Volume volume(Manifests m, String deployment, String name) {
        return m.get(Deployment.class, deployment).getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
    }

    private static Map<String, String> natsConfig(Manifests m) {
        return m.get(ConfigMap.class, "nats-config").getData();
    }

    private static GenericKubernetesResource custom(Manifests m, String kind, String name) {
        return m.custom(kind).filter(r -> r.getMetadata().getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aServiceThatAlsoMountsAnotherServicesPassword() {
        Manifests m = prod.copy();
        volume(m, "notify-service", "nats-password").getSecret().getItems()
                .add(new KeyToPath("payments", null, "payments-password"));
        assertThat(problems(m)).containsExactly("Deployment notify-service: volume nats-password mounts key payments of "
                + "Secret nats-users; a NATS client mounts only its own (notify)");
    }

    @Test
    void aServiceThatMountsEveryPassword() {
        Manifests m = dev.copy();
        volume(m, "payments-service", "nats-password").getSecret().setItems(null);
        assertThat(problems(m)).containsExactly(
                "Deployment payments-service: volume nats-password mounts every key of Secret nats-users; a NATS client "
                        + "mounts only its own (payments)",
                "Deployment payments-service: LEADLINE_NATS_PASSWORD_FILE /etc/leadline/nats/password is not key payments "
                        + "of Secret nats-users as mounted in the container");
    }

    @Test
    void aServiceThatReadsItsPasswordIntoTheEnvironment() {
        Manifests m = dev.copy();
        container(m, "leads-service").getEnv().add(new EnvVarBuilder().withName("LEADLINE_NATS_PASSWORD")
                .withNewValueFrom().withNewSecretKeyRef("leads", "nats-users", null).endValueFrom().build());
        assertThat(problems(m)).containsExactly("Deployment leads-service: env LEADLINE_NATS_PASSWORD reads key leads of "
                + "Secret nats-users; a NATS client mounts only its own key, as a file");
    }

    @Test
    void aServiceThatConnectsAsAnotherUser() {
        Manifests m = prod.copy();
        env(m, "payments-service", "LEADLINE_NATS_USERNAME").setValue("leads");
        assertThat(problems(m)).containsExactly(
                "Deployment payments-service: LEADLINE_NATS_USERNAME is leads, but its NATS user is payments");
    }

    @Test
    void aPasswordFileThatIsNotTheMountedKey() {
        Manifests m = dev.copy();
        env(m, "notify-service", "LEADLINE_NATS_PASSWORD_FILE").setValue("/etc/leadline/nats/notify");
        assertThat(problems(m)).containsExactly("Deployment notify-service: LEADLINE_NATS_PASSWORD_FILE "
                + "/etc/leadline/nats/notify is not key notify of Secret nats-users as mounted in the container");
    }

    @Test
    void aServiceThatTrustsTheCaButConnectsWithoutTls() {
        Manifests m = prod.copy();
        container(m, "notify-service").getEnv().add(new EnvVar("NATS_URL", "nats://nats:4222", null));
        assertThat(problems(m)).containsExactly("Deployment notify-service: LEADLINE_NATS_TLS_CA_FILE is set, so NATS_URL "
                + "must use tls:// (not nats://nats:4222)");
    }

    @Test
    void aCaFileThatIsNotMounted() {
        Manifests m = dev.copy();
        container(m, "leads-service").getEnv().add(new EnvVar("LEADLINE_NATS_TLS_CA_FILE", "/etc/ssl/nats-ca.pem", null));
        assertThat(problems(m)).containsExactly(
                "Deployment leads-service: LEADLINE_NATS_TLS_CA_FILE /etc/ssl/nats-ca.pem is not a file mounted in the container");
    }

    @Test
    void servicesWithoutTheCaWhileNatsRequiresTls() {
        Manifests m = prod.copy();
        m.get(ConfigMap.class, "leadline-config").getData().remove("LEADLINE_NATS_TLS_CA_FILE");
        assertThat(problems(m)).containsExactlyInAnyOrder(
                "Deployment leads-service: NATS requires TLS, but LEADLINE_NATS_TLS_CA_FILE is not set",
                "Deployment payments-service: NATS requires TLS, but LEADLINE_NATS_TLS_CA_FILE is not set",
                "Deployment notify-service: NATS requires TLS, but LEADLINE_NATS_TLS_CA_FILE is not set");
    }

    @Test
    void theProvisioningJobWithoutTls() {
        Manifests m = dev.copy();
        setOption(jobCommand(m), "--url", "nats://nats:4222");
        assertThat(problems(m)).containsExactly(
                "Job nats-provisioning: --tls-ca is set, so --url must use tls:// (not nats://nats:4222)");
    }

    @Test
    void theProvisioningJobWithFewerReplicasThanServers() {
        Manifests m = prod.copy();
        setOption(jobCommand(m), "--replicas", "1");
        assertThat(problems(m)).containsExactly("Job nats-provisioning: --replicas 1, but the NATS cluster has 3 servers");
    }

    @Test
    void theProvisioningJobWithAServicesPassword() {
        Manifests m = prod.copy();
        job(m).getSpec().getTemplate().getSpec().getVolumes().stream().filter(v -> v.getName().equals("nats-password"))
                .findFirst().orElseThrow().getSecret().getItems().get(0).setKey("payments");
        assertThat(problems(m)).containsExactly(
                "Job nats-provisioning: volume nats-password mounts key payments of Secret nats-users; a NATS client mounts "
                        + "only its own (provisioner)",
                "Job nats-provisioning: does not mount its key provisioner of Secret nats-users",
                "Job nats-provisioning: --password-file /etc/leadline/nats/password is not key provisioner of Secret "
                        + "nats-users as mounted in the container");
    }

    @Test
    void withoutTheProvisioningJob() {
        Manifests m = dev.copy();
        m.items.remove(job(m));
        assertThat(problems(m)).containsExactly("Job nats-provisioning is missing (nothing creates the stream and the bucket)");
    }

    @Test
    void theNatsPolicyWithoutTheProvisioningJob() {
        Manifests m = prod.copy();
        m.get(NetworkPolicy.class, "nats").getSpec().getIngress().get(0).getFrom().get(0).getPodSelector()
                .getMatchExpressions().get(0).getValues().remove("nats-provisioning");
        assertThat(problems(m)).containsExactly(
                "Job nats-provisioning cannot reach NATS (tls://nats:4222) on 4222: ingress denied");
    }

    @Test
    void theNatsPolicyAdmittingAClientsNameInAnyNamespace() {
        Manifests m = prod.copy();
        m.get(NetworkPolicy.class, "nats").getSpec().getIngress().get(0).getFrom().get(0)
                .setNamespaceSelector(new LabelSelector());
        assertThat(problems(m)).containsExactly("NATS admits on 4222 more than its clients (leads-service, payments-service, "
                + "notify-service, nats-provisioning): a pod named leads-service in another namespace");
    }

    @Test
    void theNatsPolicyAdmittingEveryPodOfTheNamespace() {
        Manifests m = dev.copy();
        m.get(NetworkPolicy.class, "nats").getSpec().getIngress().get(0).getFrom()
                .add(new NetworkPolicyPeerBuilder().withNewPodSelector().endPodSelector().build());
        assertThat(problems(m)).containsExactly("NATS admits on 4222 more than its clients (leads-service, payments-service, "
                + "notify-service, nats-provisioning): StatefulSet nats, StatefulSet postgres, an unlabelled pod, another pod "
                + "of the application (leadline.io/tier: app)");
    }

    @Test
    void theOldNatsPolicyByTierLetsInEveryAppPodButNotTheJob() {
        Manifests m = dev.copy();
        m.get(NetworkPolicy.class, "nats").getSpec().getIngress().get(0).getFrom().get(0)
                .setPodSelector(new LabelSelector(null, Map.of("leadline.io/tier", "app")));
        assertThat(problems(m)).containsExactlyInAnyOrder(
                "Job nats-provisioning cannot reach NATS (tls://nats:4222) on 4222: ingress denied",
                "NATS admits on 4222 more than its clients (leads-service, payments-service, notify-service, "
                        + "nats-provisioning): another pod of the application (leadline.io/tier: app)");
    }

    @Test
    void routesThatDoNotVerifyEachOther() {
        Manifests m = prod.copy();
        natsConfig(m).put("nats.conf", natsConfig(m).get("nats.conf").replace("verify: true", "verify: false"));
        assertThat(problems(m)).containsExactly(
                "NATS: cluster routes do not verify each other (nats.conf needs cluster { tls { … verify: true } })");
    }

    @Test
    void anAnonymousUser() {
        Manifests m = dev.copy();
        natsConfig(m).put("nats.conf", natsConfig(m).get("nats.conf") + "no_auth_user: notify\n");
        assertThat(problems(m)).containsExactly("NATS: no_auth_user notify lets clients connect without credentials");
    }

    @Test
    void aServerCertificateFileThatIsNotMounted() {
        Manifests m = dev.copy();
        natsConfig(m).put("nats.conf", natsConfig(m).get("nats.conf").replaceFirst("/etc/nats-tls/tls.key", "/etc/nats/tls.key"));
        assertThat(problems(m)).containsExactly(
                "StatefulSet nats: nats.conf tls key_file /etc/nats/tls.key is not a file mounted in the container");
    }

    @Test
    void aServerReadingAPasswordFromTheWrongKey() {
        Manifests m = prod.copy();
        m.get(StatefulSet.class, "nats").getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals("NATS_NOTIFY_PASSWORD")).findFirst().orElseThrow()
                .getValueFrom().getSecretKeyRef().setKey("payments");
        assertThat(problems(m)).containsExactly(
                "StatefulSet nats: env NATS_NOTIFY_PASSWORD must come from key notify of Secret nats-users");
    }

    @Test
    void aCertificateThatDoesNotNameARoute() {
        Manifests m = prod.copy();
        List<String> names = custom(m, "Certificate", "nats-server").get("spec", "dnsNames");
        names.remove("nats-2.nats-headless");
        assertThat(problems(m)).containsExactly(
                "Certificate nats-server (NATS's certificate) does not name nats-2.nats-headless, a route");
    }

    @Test
    void aCertificateFromAnIssuerThatDoesNotExist() {
        Manifests m = dev.copy();
        m.items.remove(custom(m, "Issuer", "nats-ca"));
        assertThat(problems(m)).containsExactly("Certificate nats-server: issuer Issuer nats-ca does not exist");
    }

    @Test
    void aDevPasswordThatNatsServerWouldReadAsANumber() {
        Manifests m = dev.copy();
        m.get(Secret.class, "nats-users").getStringData().put("notify", "4e2-notify");
        assertThat(problems(m)).containsExactly("Secret nats-users: the password of notify must start with a letter and "
                + "hold only letters, digits and ._~- (nats-server parses it from the environment)");
    }
}
