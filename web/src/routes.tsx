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
      { path: "*", element: <NotFound /> },
    ],
  },
];
