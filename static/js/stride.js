// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Close the mobile menu after following a link.
  document.querySelectorAll(".nav-links a").forEach((link) => {
    link.addEventListener("click", () => {
      const toggle = document.getElementById("nav-toggle");
      if (toggle) toggle.checked = false;
    });
  });
});
