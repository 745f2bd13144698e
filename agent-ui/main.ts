/** Entry of the agent UI (agent-ui/index.html): the page styles, then `<agent-app>` and everything it renders. */
import './styles/page.css';
import './app-shell.js';
