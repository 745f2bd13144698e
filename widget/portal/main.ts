/** Entry of the customer page (widget/portal/index.html): the page styles, then `<portal-app>`. */
import './page.css';
import './portal-app.js';
