import type { RouteObject } from "react-router";
import { Layout } from "./components/Layout";
import { Catalog } from "./pages/Catalog";
import { Editor } from "./pages/Editor";
import { RenderPage } from "./pages/RenderPage";
import { Renders } from "./pages/Renders";
import { Pricing } from "./pages/Pricing";
import { Wallet } from "./pages/Wallet";
import { CheckoutReturn } from "./pages/CheckoutReturn";
import { Login } from "./pages/Login";
import { Signup } from "./pages/Signup";
import { ApiKeys } from "./pages/ApiKeys";
import { Webhooks } from "./pages/Webhooks";
import { NotFound } from "./pages/NotFound";
import { RequireSignIn } from "./components/RequireSignIn";
import { RequireFarmAdmin } from "./components/RequireFarmAdmin";

export const routes: RouteObject[] = [
  {
    element: <Layout />,
    children: [
      { path: "/", element: <Catalog /> },
      { path: "/templates/:id", element: <Editor /> },
      { path: "/pricing", element: <Pricing /> },
      { path: "/checkout/return", element: <CheckoutReturn /> },
      { path: "/login", element: <Login /> },
      { path: "/signup", element: <Signup /> },
      {
        element: <RequireSignIn />,
        children: [
          { path: "/renders", element: <Renders /> },
          { path: "/renders/:id", element: <RenderPage /> },
          { path: "/wallet", element: <Wallet /> },
          // The QR code library only where two-step login is set up.
          { path: "/account", lazy: () => import("./pages/Account").then((m) => ({ Component: m.Account })) },
          { path: "/account/api-keys", element: <ApiKeys /> },
          { path: "/account/webhooks", element: <Webhooks /> },
        ],
      },
      {
        // The operators' console: farm administrators only, and loaded only by them (the chart
        // library with its node page), so the customers' pages do not carry it.
        path: "/console",
        element: <RequireFarmAdmin />,
        children: [
          {
            lazy: () => import("./console/parts").then((m) => ({ Component: m.ConsoleLayout })),
            children: [
              { index: true, lazy: () => import("./pages/console/Farm").then((m) => ({ Component: m.Farm })) },
              {
                path: "nodes/:node",
                lazy: () => import("./pages/console/NodePage").then((m) => ({ Component: m.NodePage })),
              },
              { path: "jobs", lazy: () => import("./pages/console/Jobs").then((m) => ({ Component: m.Jobs })) },
              { path: "jobs/:id", lazy: () => import("./pages/console/JobPage").then((m) => ({ Component: m.JobPage })) },
              {
                path: "crashes",
                lazy: () => import("./pages/console/Crashes").then((m) => ({ Component: m.Crashes })),
              },
              {
                path: "templates",
                lazy: () => import("./pages/console/Templates").then((m) => ({ Component: m.Templates })),
              },
              {
                path: "templates/:id",
                lazy: () => import("./pages/console/TemplatePage").then((m) => ({ Component: m.TemplatePage })),
              },
              {
                path: "tenants",
                lazy: () => import("./pages/console/Tenants").then((m) => ({ Component: m.Tenants })),
              },
              {
                path: "payments",
                lazy: () => import("./pages/console/Payments").then((m) => ({ Component: m.Payments })),
              },
              { path: "*", element: <NotFound /> },
            ],
          },
        ],
      },
      { path: "*", element: <NotFound /> },
    ],
  },
];
