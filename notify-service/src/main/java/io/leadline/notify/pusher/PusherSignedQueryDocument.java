package io.leadline.notify.pusher;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Documents the signed query of the Pusher HTTP API once for all its operations ({@link PusherApiResource}):
 * every request carries {@code auth_key}, {@code auth_timestamp}, {@code auth_version} and
 * {@code auth_signature}, and one with a body also {@code body_md5} ({@link PusherSignatures} checks them).
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class PusherSignedQueryDocument implements OASFilter {

    static final String PATHS = "/apps/{app_id}";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        for (Map.Entry<String, PathItem> path : openAPI.getPaths().getPathItems().entrySet()) {
            if (!path.getKey().startsWith(PATHS)) {
                continue;
            }
            for (Map.Entry<PathItem.HttpMethod, Operation> operation : path.getValue().getOperations().entrySet()) {
                List<Parameter> parameters = new ArrayList<>(signedQuery(operation.getKey() == PathItem.HttpMethod.POST));
                if (operation.getValue().getParameters() != null) {
                    parameters.addAll(operation.getValue().getParameters());
                }
                operation.getValue().setParameters(parameters);
            }
        }
    }

    private static List<Parameter> signedQuery(boolean withBody) {
        Parameter key = query("auth_key", "The app key", OASFactory.createSchema().addType(Schema.SchemaType.STRING));
        Parameter timestamp = query("auth_timestamp",
                "Seconds since the epoch, within leadline.pusher.api-timestamp-window of the server's clock",
                OASFactory.createSchema().addType(Schema.SchemaType.STRING));
        Parameter version = query("auth_version", "1.0",
                OASFactory.createSchema().addType(Schema.SchemaType.STRING).enumeration(List.of("1.0")));
        Parameter signature = query("auth_signature",
                "HMAC-SHA256 with the app secret of the method, path and sorted query (Pusher HTTP API)",
                OASFactory.createSchema().addType(Schema.SchemaType.STRING));
        if (!withBody) {
            return List.of(key, timestamp, version, signature);
        }
        Parameter bodyMd5 = query("body_md5", "MD5 of the body, hex",
                OASFactory.createSchema().addType(Schema.SchemaType.STRING));
        return List.of(key, timestamp, version, signature, bodyMd5);
    }

    private static Parameter query(String name, String description, Schema schema) {
        return OASFactory.createParameter().name(name).in(Parameter.In.QUERY).required(true).description(description)
                .schema(schema);
    }
}
