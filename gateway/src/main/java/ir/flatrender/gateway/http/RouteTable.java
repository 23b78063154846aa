package ir.flatrender.gateway.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import java.util.ArrayList;
import java.util.List;

/** Registers the gateway's routes and keeps their list, which the OpenAPI document must match. */
public final class RouteTable {
    /** A method and a path template, {@code /v1/renders/{id}}. */
    public record Route(String method, String path) {}

    private final RoutesConfig routes;
    private final List<Route> registered = new ArrayList<>();

    public RouteTable(RoutesConfig routes) {
        this.routes = routes;
    }

    public void get(String path, Handler handler) {
        registered.add(new Route("get", path));
        routes.get(path, handler);
    }

    public void post(String path, Handler handler) {
        registered.add(new Route("post", path));
        routes.post(path, handler);
    }

    public void patch(String path, Handler handler) {
        registered.add(new Route("patch", path));
        routes.patch(path, handler);
    }

    public void delete(String path, Handler handler) {
        registered.add(new Route("delete", path));
        routes.delete(path, handler);
    }

    public List<Route> registered() {
        return List.copyOf(registered);
    }
}
