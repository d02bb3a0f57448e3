// The form works without JavaScript; this only hides the contact fields while
// "ask anonymously" is ticked (the server ignores them then anyway).
(function () {
  var box = document.getElementById("id_is_anonymous");
  var contacts = document.querySelector(".appeal-contacts");
  if (!box || !contacts) return;
  function sync() { contacts.hidden = box.checked; }
  box.addEventListener("change", sync);
  sync();
})();
