/* Click-to-play: the video's iframe is made only when the visitor clicks its poster, so no
   request goes to YouTube or Facebook before that. Without JS the poster is a plain link. */
(function () {
  "use strict";
  function play(event) {
    var poster = event.currentTarget;
    var src = poster.getAttribute("data-embed-src");
    if (!src) { return; }
    event.preventDefault();
    var frame = document.createElement("div");
    frame.className = "video-frame";
    var iframe = document.createElement("iframe");
    iframe.src = src;
    iframe.title = poster.getAttribute("data-embed-title") || "";
    iframe.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
    iframe.allowFullscreen = true;
    // YouTube refuses embeds without a referrer; the site's default policy sends none across origins.
    iframe.referrerPolicy = "strict-origin-when-cross-origin";
    iframe.loading = "lazy";
    frame.appendChild(iframe);
    poster.replaceWith(frame);
    iframe.focus();
  }
  document.querySelectorAll("a.video-poster[data-embed-src]").forEach(function (poster) {
    poster.addEventListener("click", play);
  });
})();
