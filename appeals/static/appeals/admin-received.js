// "Yesterday" and "the day before" beside the received date of a new appeal: staff often
// log in the morning what came on WhatsApp the evening before. Labels come from the page
// (json_script), the date format from the admin's own catalog (get_format), no inline script.
document.addEventListener("DOMContentLoaded", function () {
  var input = document.getElementById("id_received_at_0");
  var labels = document.getElementById("received-shortcuts");
  if (!input || !labels || typeof get_format !== "function" || !Date.prototype.strftime) return;
  var names = JSON.parse(labels.textContent);
  var holder = document.createElement("span");
  holder.className = "appeal-received-shortcuts";
  names.forEach(function (name, index) {
    var link = document.createElement("a");
    link.href = "#";
    link.textContent = name;
    link.dataset.daysBack = String(index + 1);
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var day = new Date();
      day.setDate(day.getDate() - (index + 1));
      input.value = day.strftime(get_format("DATE_INPUT_FORMATS")[0]);
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
    holder.appendChild(document.createTextNode(" | "));
    holder.appendChild(link);
  });
  var shortcuts = input.parentNode.querySelector(".datetimeshortcuts");
  (shortcuts || input).after(holder);
});
