// Live reload for `coursepress watch`: its server adds this script to the pages it serves (the files
// on disk never hold it). It asks for the site's version twice a second and reloads the page when a
// new build has replaced the site ("-": no site at the moment, e.g. between two renames).
(function () {
  var known = null;
  function check() {
    fetch("/__coursepress/version", { cache: "no-store" })
      .then(function (answer) { return answer.text(); })
      .then(function (version) {
        if (version === "-") return;
        if (known === null) known = version;
        else if (version !== known) location.reload();
      })
      .catch(function () {})
      .finally(function () { setTimeout(check, 500); });
  }
  check();
})();
