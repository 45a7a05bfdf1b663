// Starts GraphiQL on this server's /graphql: queries and mutations over
// HTTP POST, subscriptions over WebSocket (graphql-transport-ws).
(function () {
  var url = new URL("/graphql", window.location.href).href;
  var wsClient = graphqlWs.createClient({
    url: url.replace(/^http/, "ws"),
    lazy: true,
    retryAttempts: 5,
  });
  var fetcher = GraphiQL.createFetcher({ url: url, wsClient: wsClient });
  var example =
    "# Events in a date window, with their actors and sources.\n" +
    "{\n  events(filter: {from: \"2014-01-01\", to: \"2014-12-31\"}, first: 10) {\n" +
    "    nodes { title date { label(lang: \"en\") } sourceCount\n" +
    "      actors { role actor { name nameAr } } }\n  }\n}\n\n" +
    "# Live changes: run this, then write through the API or `tarikh ingest`.\n" +
    "# subscription { eventChanges { change eventId syncToken event { title } } }\n";
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, { fetcher: fetcher, defaultQuery: example })
  );
})();
